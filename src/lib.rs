//! wenshu（文书）: YAML → the written papers of a party education campaign,
//! laid out per GB/T 9704-2012.
//!
//! The stages follow the data: [`input`] (bytes → located YAML) → [`paper`]
//! (typed fields and rules; a 阶段记录 goes to [`record`], which checks the
//! campaign's rules and builds its papers) → [`template`] (minijinja → markup →
//! [`document`]) → [`typeset`] (the grid) → [`docx`] (the package) →
//! [`output`] (safe names, atomic writes). [`pipeline`] strings them
//! together; [`cli`] is the thin command line.

// Diagnostics are the cold path and carry the quoted line; boxing them buys
// nothing measurable.
#![allow(clippy::result_large_err)]

pub mod batch;
pub mod cli;
pub mod diag;
pub mod document;
pub mod docx;
pub mod fonts;
pub mod input;
pub mod output;
pub mod paper;
pub mod pdf;
pub mod pipeline;
pub mod record;
pub mod starter;
pub mod template;
pub mod typeset;
