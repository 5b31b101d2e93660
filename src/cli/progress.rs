//! The progress bar of long builds: drawn on stderr only when it is a
//! terminal, and only once a build has run for a second (a quick build
//! prints its summary line and nothing else).

use std::io::IsTerminal;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::build::Progress;

/// How long a build runs before it shows a bar.
const DELAY: Duration = Duration::from_secs(1);

pub struct Bar {
    label: &'static str,
    start: Instant,
    terminal: bool,
    total: AtomicUsize,
    done: AtomicUsize,
    bar: OnceLock<ProgressBar>,
}

impl Bar {
    pub fn new(label: &'static str, start: Instant) -> Self {
        Bar {
            label,
            start,
            terminal: std::io::stderr().is_terminal(),
            total: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
            bar: OnceLock::new(),
        }
    }

    /// Removes the bar, if it was shown, before the summary is printed.
    pub fn clear(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }

    fn shown(&self) -> Option<&ProgressBar> {
        if let Some(bar) = self.bar.get() {
            return Some(bar);
        }
        if !self.terminal || self.start.elapsed() < DELAY {
            return None;
        }
        Some(self.bar.get_or_init(|| {
            let bar = ProgressBar::with_draw_target(
                Some(self.total.load(Ordering::Relaxed) as u64),
                ProgressDrawTarget::stderr(),
            );
            if let Ok(style) = ProgressStyle::with_template(
                "{msg} [{bar:30}] {human_pos}/{human_len} awards, {eta} left",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(self.label);
            bar
        }))
    }
}

impl Progress for Bar {
    fn start(&self, awards: usize) {
        self.total.store(awards, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
        if let Some(bar) = self.bar.get() {
            bar.set_length(awards as u64);
            bar.set_position(0);
        }
    }

    fn advance(&self, done: usize) {
        let now = self.done.fetch_add(done, Ordering::Relaxed) + done;
        if let Some(bar) = self.shown() {
            bar.set_position(now as u64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_bar_off_a_terminal_or_before_a_second() {
        let mut bar = Bar::new("Building", Instant::now());
        bar.terminal = true;
        bar.start(10);
        bar.advance(3);
        assert!(bar.bar.get().is_none(), "too early");
        let mut late = Bar::new("Building", Instant::now() - DELAY * 2);
        late.terminal = false;
        late.start(10);
        late.advance(3);
        assert!(late.bar.get().is_none(), "not a terminal");
        late.terminal = true;
        late.advance(1);
        let shown = late.bar.get().expect("shown after a second on a terminal");
        assert_eq!((shown.position(), shown.length()), (4, Some(10)));
        late.clear();
    }
}
