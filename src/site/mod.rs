//! The site a person reads: HTML pages from the theme's Tera templates
//! ([`theme`], [`render`]), view structs that are all templates see
//! ([`view`]), Markdown made safe ([`markdown`]), one module per page kind
//! ([`pages`]) and the site's other files ([`files`]); [`whitespace`]
//! takes the indentation out of HTML templates.
//!
//! This layer never sees a key: what signing adds to pages reaches it as
//! plain facts ([`view::Signing`]), so a secret cannot reach a template.

pub mod files;
pub mod markdown;
pub mod pages;
pub mod preview;
pub mod render;
pub mod strings;
pub mod theme;
pub mod view;
pub mod whitespace;

pub use pages::{PageReuse, Pages};
pub use render::RenderError;
pub use theme::Theme;
