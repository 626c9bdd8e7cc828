//! Reference data a write reads again and again (categories, the calendar, roads), read once
//! per transaction and inside it: a batch of 500 findings parses the calendar once, and no
//! write ever routes by rules it did not read itself.

use super::store::directory::{self, Category, Road};
use super::store::Conn;
use super::{calendars, Result};
use crate::domain::calendar::OfficialCalendar;
use std::collections::HashMap;

#[derive(Default)]
pub struct Reference {
    categories: Option<Vec<Category>>,
    calendar: Option<OfficialCalendar>,
    roads: HashMap<String, Option<Road>>,
}

impl Reference {
    pub async fn categories(&mut self, conn: &mut Conn) -> Result<&[Category]> {
        if self.categories.is_none() {
            self.categories = Some(directory::categories(conn).await?);
        }
        Ok(self.categories.as_deref().unwrap_or_default())
    }

    pub async fn calendar(&mut self, conn: &mut Conn) -> Result<&OfficialCalendar> {
        if self.calendar.is_none() {
            self.calendar = Some(calendars::current(conn).await?);
        }
        Ok(self.calendar.as_ref().expect("just read"))
    }

    pub async fn road(&mut self, conn: &mut Conn, id: &str) -> Result<Option<&Road>> {
        if !self.roads.contains_key(id) {
            let road = directory::road(conn, id).await?;
            self.roads.insert(id.to_owned(), road);
        }
        Ok(self.roads.get(id).and_then(Option::as_ref))
    }
}
