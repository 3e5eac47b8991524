//! Paged lists: `?page=&per_page=` (default 50, at most 500) in, `{items, page, per_page, total}` out.

use std::ops::Deref;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::{Error, FieldError};

pub const DEFAULT_PER_PAGE: u64 = 50;
pub const MAX_PER_PAGE: u64 = 500;
/// The highest page number asked for; beyond it the offset would not fit the database's integers.
pub const MAX_PAGE: u64 = i32::MAX as u64;

/// A checked page request, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageRequest {
    pub page: u64,
    pub per_page: u64,
}

impl PageRequest {
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> Result<PageRequest, Error> {
        let mut errors = Vec::new();
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=MAX_PAGE).contains(&page) {
            errors.push(FieldError::new(
                "page",
                format!("pages are numbered from 1 to {MAX_PAGE}"),
            ));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            errors.push(FieldError::new(
                "per_page",
                format!("give from 1 to {MAX_PER_PAGE} rows a page"),
            ));
        }
        if errors.is_empty() {
            Ok(PageRequest { page, per_page })
        } else {
            Err(Error::Invalid(errors))
        }
    }

    /// Rows to skip before this page.
    pub fn offset(self) -> u64 {
        (self.page - 1) * self.per_page
    }
}

/// One page of a list.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

impl<T> Paged<T> {
    pub fn new(items: Vec<T>, request: PageRequest, total: u64) -> Paged<T> {
        Paged {
            items,
            page: request.page,
            per_page: request.per_page,
            total,
        }
    }
}

impl<T> Paged<T> {
    /// The same page with each item turned into another shape.
    pub fn map<U>(self, shape: impl FnMut(T) -> U) -> Paged<U> {
        Paged {
            items: self.items.into_iter().map(shape).collect(),
            page: self.page,
            per_page: self.per_page,
            total: self.total,
        }
    }
}

/// A page built once and handed to every request that asks for it while the data it shows
/// stands, with its JSON written the first time it is sent and reused after that.
#[derive(Debug)]
pub struct SharedPage<T> {
    page: Paged<T>,
    json: OnceLock<Vec<u8>>,
}

impl<T> SharedPage<T> {
    pub fn new(page: Paged<T>) -> SharedPage<T> {
        SharedPage {
            page,
            json: OnceLock::new(),
        }
    }
}

impl<T: Serialize> SharedPage<T> {
    /// The page as JSON, exactly as `serde_json` writes `Paged<T>`.
    pub fn json(&self) -> Result<&[u8], serde_json::Error> {
        if let Some(written) = self.json.get() {
            return Ok(written);
        }
        let written = serde_json::to_vec(&self.page)?;
        Ok(self.json.get_or_init(|| written))
    }
}

impl<T> Deref for SharedPage<T> {
    type Target = Paged<T>;

    fn deref(&self) -> &Paged<T> {
        &self.page
    }
}
