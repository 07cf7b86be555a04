//! wenshu（文书）: YAML → the written papers of a party education campaign,
//! laid out per GB/T 9704-2012.
//!
//! The stages follow the data: [`input`] (bytes → located YAML, and the
//! typed field readers of [`input::typed`]) → `kinds` (the registry: which
//! `文种` is read by `paper`, `record` or `roster`; tables come from `table`)
//! → [`template`] (minijinja → markup → [`document`]) → [`typeset`] (the
//! grid) → [`docx`] / [`pdf`] → [`output`] (safe names, atomic writes).
//! [`pipeline`] strings them together for one file, `batch` for many; [`cli`]
//! is the thin command line. `tests/architecture.rs` keeps the module graph
//! free of cycles. See docs/architecture.md.

// Diagnostics are the cold path and carry the quoted line; boxing them buys
// nothing measurable.
#![allow(clippy::result_large_err)]

pub(crate) mod batch;
pub mod cli;
pub(crate) mod collate;
pub mod convert;
pub mod diag;
pub mod document;
pub mod docx;
pub mod export;
pub mod fill;
pub mod fonts;
pub(crate) mod forms;
pub mod input;
pub(crate) mod kinds;
pub(crate) mod merge;
pub mod output;
pub(crate) mod paper;
pub mod pdf;
pub mod pipeline;
pub(crate) mod record;
pub(crate) mod roster;
pub(crate) mod schema;
pub(crate) mod starter;
pub(crate) mod table;
pub mod template;
pub mod typeset;
