//! A loop over two threads: its pure step (parsing and analysing a record)
//! runs on a second thread, ahead of the step that has to stay on this one
//! (writing to the journal), so an import that analyses every note keeps
//! both cores busy. Results come back in order, and the first error in that
//! order is the one reported, as if the loop had run on one thread.

use std::sync::mpsc;

/// How many items the second thread may hold or have done that this one
/// has not finished yet: enough to keep both busy, few enough that memory
/// stays flat however long the input.
const AHEAD: usize = 256;

/// Runs `prepare` on each item of `items` on a second thread, and `finish`
/// on each result here, in the items' order. Stops at the first error in
/// that order: an item that could not be read (`items` yields an error)
/// is reported after every item before it has been finished, and nothing
/// after an error is finished.
pub fn run<I, O, E>(
    items: impl IntoIterator<Item = Result<I, E>>,
    prepare: impl FnMut(I) -> Result<O, E> + Send,
    mut finish: impl FnMut(O) -> Result<(), E>,
) -> Result<(), E>
where
    I: Send,
    O: Send,
    E: Send,
{
    std::thread::scope(|scope| {
        // Unbounded channels, bounded by `AHEAD` items in flight: this
        // thread only ever waits for a result, and the second thread never
        // waits to hand one back, so neither can wait on the other forever.
        let (to_worker, inbox) = mpsc::channel::<I>();
        let (outbox, from_worker) = mpsc::channel::<Result<O, E>>();
        scope.spawn(move || {
            let mut prepare = prepare;
            for item in inbox {
                let result = prepare(item);
                let failed = result.is_err();
                // A closed outbox means this thread has stopped: so do we.
                if outbox.send(result).is_err() || failed {
                    break;
                }
            }
        });
        let mut in_flight = 0;
        // Finishes the next result, waiting for it or not; false when there
        // is none (yet, or any more).
        let mut take = |wait: bool, in_flight: &mut usize| -> Result<bool, E> {
            let result = if wait {
                from_worker.recv().ok()
            } else {
                from_worker.try_recv().ok()
            };
            match result {
                Some(result) => {
                    *in_flight -= 1;
                    finish(result?)?;
                    Ok(true)
                }
                None => Ok(false),
            }
        };
        for item in items {
            let item = match item {
                Ok(item) => item,
                Err(err) => {
                    // The items before it come first, errors included.
                    while in_flight > 0 && take(true, &mut in_flight)? {}
                    return Err(err);
                }
            };
            while in_flight >= AHEAD && take(true, &mut in_flight)? {}
            if to_worker.send(item).is_err() {
                // The second thread stopped at an error: it is next in line.
                break;
            }
            in_flight += 1;
            while take(false, &mut in_flight)? {}
        }
        drop(to_worker);
        while in_flight > 0 && take(true, &mut in_flight)? {}
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::run;

    #[test]
    fn results_are_finished_in_order() {
        let mut seen = Vec::new();
        let result: Result<(), String> = run(
            (0..2000).map(Ok),
            |n: u32| Ok(n * 2),
            |n| {
                seen.push(n);
                Ok(())
            },
        );
        assert_eq!(result, Ok(()));
        assert_eq!(seen, (0..2000).map(|n| n * 2).collect::<Vec<_>>());
    }

    #[test]
    fn the_first_error_in_order_stops_it() {
        // A bad item read after one that fails to prepare: the earlier
        // one's error is the one reported.
        let items = (0..1000).map(|n| {
            if n == 900 {
                Err(format!("unreadable {n}"))
            } else {
                Ok(n)
            }
        });
        let mut seen = Vec::new();
        let result = run(
            items,
            |n: u32| {
                if n == 500 {
                    Err(format!("bad {n}"))
                } else {
                    Ok(n)
                }
            },
            |n| {
                seen.push(n);
                Ok(())
            },
        );
        assert_eq!(result, Err("bad 500".to_string()));
        assert_eq!(seen, (0..500).collect::<Vec<_>>());

        // An unreadable item comes after everything before it is finished.
        let items = (0..1000).map(|n| {
            if n == 900 {
                Err(format!("unreadable {n}"))
            } else {
                Ok(n)
            }
        });
        let mut seen = Vec::new();
        let result = run(
            items,
            |n: u32| Ok(n),
            |n| {
                seen.push(n);
                Ok(())
            },
        );
        assert_eq!(result, Err("unreadable 900".to_string()));
        assert_eq!(seen, (0..900).collect::<Vec<_>>());

        // A failed finish stops it there.
        let mut seen = Vec::new();
        let result = run(
            (0..1000).map(Ok),
            |n: u32| Ok(n),
            |n| {
                if n == 300 {
                    return Err("full".to_string());
                }
                seen.push(n);
                Ok(())
            },
        );
        assert_eq!(result, Err("full".to_string()));
        assert_eq!(seen, (0..300).collect::<Vec<_>>());
    }

    #[test]
    fn preparing_runs_on_another_thread() {
        let here = std::thread::current().id();
        let mut threads = Vec::new();
        let result: Result<(), ()> = run(
            [Ok(1)],
            |n: u32| Ok((n, std::thread::current().id())),
            |(_, there)| {
                threads.push(there);
                Ok(())
            },
        );
        assert_eq!(result, Ok(()));
        assert_eq!(threads.len(), 1);
        assert_ne!(threads[0], here);
    }
}
