-- Each person and each section is written to in their own language (zh-CN unless set).
-- The same SQL on both engines.
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'zh-CN';
ALTER TABLE sections ADD COLUMN lang TEXT NOT NULL DEFAULT 'zh-CN';
