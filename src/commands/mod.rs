//! The commands that run the pipeline, one file each: settings in, a report out for
//! `main.rs` to print. They stay thin: the stages live in [`crate::pipeline`], the rules in
//! [`crate::check`], writing in `crate::output`. Nothing below `commands` may import it.

pub mod build;
pub mod check;
