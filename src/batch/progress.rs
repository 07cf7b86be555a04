//! Progress on stderr: a bar on a terminal, a plain line every two seconds
//! elsewhere (a log, a CI job), and messages printed around the bar.

use std::io::{IsTerminal, Write as _};
use std::time::{Duration, Instant};

/// Progress: a bar on a terminal, a plain line every two seconds elsewhere.
pub(super) struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: usize,
    done: std::sync::atomic::AtomicUsize,
    last: std::sync::Mutex<Instant>,
}

impl Progress {
    pub(super) fn new(total: usize) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} 份 {per_sec} 剩余 {eta} {msg}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            bar,
            total,
            done: 0.into(),
            last: std::sync::Mutex::new(Instant::now()),
        }
    }

    pub(super) fn println(&self, text: &str) {
        match &self.bar {
            // A blank line after each, as `check` separates its diagnostics.
            Some(bar) => bar.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }

    pub(super) fn advance(&self, n: usize, ok: usize, bad: usize) {
        let done = self.done.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n;
        match &self.bar {
            Some(bar) => {
                bar.set_position(done as u64);
                bar.set_message(format!("成功 {ok} 失败 {bad}"));
            }
            None => {
                let mut last = self.last.lock().expect("progress clock");
                if last.elapsed() >= Duration::from_secs(2) || done == self.total {
                    *last = Instant::now();
                    let _ = writeln!(
                        std::io::stderr(),
                        "进度：{done}/{}（成功 {ok}，失败 {bad}）",
                        self.total
                    );
                }
            }
        }
    }

    pub(super) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
