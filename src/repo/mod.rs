//! The badge repository: reading it (`load`, with the file formats in
//! `input`), checking it (`validate`, which builds the [`crate::model`]),
//! its memory of what was published (`lock`, `slots`), and the commands that
//! write to it (`init`, `revoke`).
//!
//! Nothing here signs, renders or writes the site.

pub mod award;
pub mod cache;
pub mod edit;
pub mod git;
pub mod import;
pub mod init;
pub mod input;
pub mod keyfile;
pub mod limits;
pub mod load;
pub mod lock;
pub mod mailmerge;
pub mod privacy;
pub mod revoke;
pub mod scaffold;
pub mod slots;
pub mod validate;

pub use load::{Loaded, SITE_FILE, find_root, load, load_with};
