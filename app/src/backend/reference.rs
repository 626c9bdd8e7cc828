//! What a write reads again and again (categories, the calendar, roads, sections' channels,
//! the week's inspection of a road), read once per transaction and inside it: a batch of 500
//! findings parses the calendar once, and no write routes by rules it did not read itself.
//! Forgotten when an operation is undone (`operations::apply_in`), since what it started (an
//! inspection) is undone with it.

use super::store::directory::{self, Category, Road, SectionChannels};
use super::store::inspections::{self, Inspection};
use super::store::Conn;
use super::{auth::new_id, calendars, Result, Tx, User};
use crate::domain::calendar::OfficialCalendar;
use crate::domain::time::{IsoWeek, Timestamp};
use std::collections::HashMap;

#[derive(Default)]
pub struct Reference {
    categories: Option<Vec<Category>>,
    calendar: Option<OfficialCalendar>,
    roads: HashMap<String, Option<Road>>,
    channels: HashMap<String, SectionChannels>,
    inspections: HashMap<(String, IsoWeek), Inspection>,
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

    pub async fn channels(&mut self, conn: &mut Conn, section_id: &str) -> Result<&SectionChannels> {
        if !self.channels.contains_key(section_id) {
            let channels = directory::channels_of(conn, section_id).await?;
            self.channels.insert(section_id.to_owned(), channels);
        }
        Ok(&self.channels[section_id])
    }

    /// The week's inspection of the road, started now by `chief` if there is none.
    pub async fn inspection(
        &mut self,
        tx: &mut Tx,
        chief: &User,
        road_id: &str,
        week: IsoWeek,
        now: Timestamp,
    ) -> Result<&Inspection> {
        let key = (road_id.to_owned(), week);
        if !self.inspections.contains_key(&key) {
            let found = inspections::start_or_continue(tx, &new_id(now), road_id, week, &chief.id, now).await?;
            self.inspections.insert(key.clone(), found);
        }
        Ok(&self.inspections[&key])
    }

    /// Forgets the inspection after it changed (a submission).
    pub fn forget_inspection(&mut self, road_id: &str, week: IsoWeek) {
        self.inspections.remove(&(road_id.to_owned(), week));
    }
}
