//! What a process that loads the repository again and again (`serve`)
//! keeps of earlier loads: each file's parse, by its exact text.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::diagnostic::Diagnostics;

/// Parses of files by path, each kept with the text it was made from: a
/// file whose text is byte for byte the same is not parsed again. Parsing
/// must depend on nothing but the path and the text, so that a hit gives
/// exactly what parsing would, problems included.
#[derive(Debug)]
pub struct TextCache<T> {
    files: Mutex<HashMap<String, Arc<Parsed<T>>>>,
}

impl<T> Default for TextCache<T> {
    fn default() -> Self {
        TextCache {
            files: Mutex::default(),
        }
    }
}

#[derive(Debug)]
struct Parsed<T> {
    text: String,
    value: T,
    problems: Diagnostics,
}

impl<T: Clone> TextCache<T> {
    fn files(&self) -> MutexGuard<'_, HashMap<String, Arc<Parsed<T>>>> {
        self.files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `parse(problems)` of the file `rel` with this `text`, or what it gave
    /// for the same text before (its problems added to `problems` again).
    pub fn parse(
        &self,
        rel: &str,
        text: &str,
        problems: &mut Diagnostics,
        parse: impl FnOnce(&mut Diagnostics) -> T,
    ) -> T {
        let hit = self.files().get(rel).filter(|p| p.text == text).cloned();
        let parsed = hit.unwrap_or_else(|| {
            let mut found = Diagnostics::default();
            let value = parse(&mut found);
            let parsed = Arc::new(Parsed {
                text: text.to_string(),
                value,
                problems: found,
            });
            self.files().insert(rel.to_string(), parsed.clone());
            parsed
        });
        problems.extend(parsed.problems.clone());
        parsed.value.clone()
    }

    /// Forgets the files that are not among `kept`.
    pub fn keep_only(&self, kept: &[String]) {
        let kept: std::collections::HashSet<&str> = kept.iter().map(String::as_str).collect();
        self.files().retain(|rel, _| kept.contains(rel.as_str()));
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.files().len()
    }
}
