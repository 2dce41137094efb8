//! SCIM 2.0 provisioning: what an identity provider does to the organization's people
//! ([`users`]) and user groups ([`groups`]), each change with its events (actor `scim`). The
//! protocol's parsing is the domain's (`skillstream_domain::scim`); errors are SCIM's or the
//! use cases' own.

pub mod groups;
mod person;
pub mod users;

use crate::error::AppError;
use skillstream_domain::scim::ScimError;

pub use skillstream_domain::scim::{
    Filter, GroupAttributes, PatchOperation, ScimError as ProtocolError, UserAttributes,
};

/// Why a SCIM request failed: the protocol (with its `scimType`) or a use case's rule.
#[derive(Debug)]
pub enum ScimFailure {
    Protocol(ScimError),
    App(AppError),
}

impl From<ScimError> for ScimFailure {
    fn from(e: ScimError) -> Self {
        Self::Protocol(e)
    }
}

impl From<AppError> for ScimFailure {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl From<skillstream_store::StoreError> for ScimFailure {
    fn from(e: skillstream_store::StoreError) -> Self {
        Self::App(e.into())
    }
}

pub type ScimResult<T> = Result<T, ScimFailure>;

/// A page as SCIM asks for it: `startIndex` from 1, `count` at most [`MAX_COUNT`].
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub start_index: i64,
    pub count: i64,
}

/// The most resources one list answers (`ServiceProviderConfig.filter.maxResults`).
pub const MAX_COUNT: i64 = 200;

impl Paging {
    pub fn new(start_index: Option<i64>, count: Option<i64>) -> Self {
        Self {
            start_index: start_index.unwrap_or(1).max(1),
            count: count.unwrap_or(100).clamp(0, MAX_COUNT),
        }
    }

    fn offset(self) -> i64 {
        self.start_index - 1
    }
}

/// A page of resources and how many match in all.
#[derive(Debug)]
pub struct Page<T> {
    pub total: i64,
    pub start_index: i64,
    pub resources: Vec<T>,
}
