//! A loop over several threads: its pure step (parsing and analysing a
//! record) runs on worker threads, ahead of the step that has to stay on
//! this one (writing to the journal), so an import that analyses every
//! note keeps every core busy. Results come back in order, and the first
//! error in that order is the one reported, as if the loop had run on one
//! thread.

use std::sync::mpsc;

/// How many items the workers may hold or have done that this thread has
/// not finished yet: enough to keep all busy, few enough that memory stays
/// flat however long the input.
const AHEAD: usize = 256;

/// How many workers to start: one a core, since this thread mostly waits
/// on the disk or on them (at least one, at most a few: the writes on this
/// thread cap what more could bring).
pub fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4))
}

/// Runs the step `prepare` makes (once on each of `workers` threads) on
/// each item of `items`, and `finish` on each result here, in the items'
/// order. Stops at the first error in that order: an item that could not
/// be read (`items` yields an error) is reported after every item before it
/// has been finished, and nothing after an error is finished.
pub fn run<I, O, E, P>(
    items: impl IntoIterator<Item = Result<I, E>>,
    workers: usize,
    prepare: impl Fn() -> P + Sync,
    mut finish: impl FnMut(O) -> Result<(), E>,
) -> Result<(), E>
where
    I: Send,
    O: Send,
    E: Send,
    P: FnMut(I) -> Result<O, E>,
{
    let workers = workers.max(1);
    let prepare = &prepare;
    std::thread::scope(|scope| {
        // Item n goes to worker n % workers and its result comes back on
        // that worker's channel, so taking them round the workers keeps the
        // order. The channels are unbounded, and bounded by `AHEAD` items
        // in flight: this thread only ever waits for a result, a worker
        // never waits to hand one back, so no thread waits on another
        // forever.
        let mut to_workers = Vec::with_capacity(workers);
        let mut from_workers = Vec::with_capacity(workers);
        for _ in 0..workers {
            let (to_worker, inbox) = mpsc::channel::<I>();
            let (outbox, from_worker) = mpsc::channel::<Result<O, E>>();
            scope.spawn(move || {
                let mut step = prepare();
                for item in inbox {
                    let result = step(item);
                    let failed = result.is_err();
                    // A closed outbox means this thread has stopped: so do we.
                    if outbox.send(result).is_err() || failed {
                        break;
                    }
                }
            });
            to_workers.push(to_worker);
            from_workers.push(from_worker);
        }
        let (mut sent, mut taken) = (0, 0);
        // Finishes the next result in order, waiting for it or not; false
        // when there is none (yet, or any more).
        let mut take = |wait: bool, taken: &mut usize| -> Result<bool, E> {
            let from = &from_workers[*taken % workers];
            let result = if wait {
                from.recv().ok()
            } else {
                from.try_recv().ok()
            };
            match result {
                Some(result) => {
                    *taken += 1;
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
                    while taken < sent && take(true, &mut taken)? {}
                    return Err(err);
                }
            };
            while sent - taken >= AHEAD && take(true, &mut taken)? {}
            if to_workers[sent % workers].send(item).is_err() {
                // A worker stopped at an error: it comes next in order.
                break;
            }
            sent += 1;
            while taken < sent && take(false, &mut taken)? {}
        }
        drop(to_workers);
        while taken < sent && take(true, &mut taken)? {}
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::run;

    #[test]
    fn results_are_finished_in_order() {
        for workers in [1, 2, 3] {
            let mut seen = Vec::new();
            let result: Result<(), String> = run(
                (0..2000).map(Ok),
                workers,
                || |n: u32| Ok(n * 2),
                |n| {
                    seen.push(n);
                    Ok(())
                },
            );
            assert_eq!(result, Ok(()));
            assert_eq!(seen, (0..2000).map(|n| n * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn the_first_error_in_order_stops_it() {
        for workers in [1, 2, 3] {
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
                workers,
                || {
                    |n: u32| {
                        if n == 500 || n == 501 {
                            Err(format!("bad {n}"))
                        } else {
                            Ok(n)
                        }
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
                workers,
                || |n: u32| Ok(n),
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
                workers,
                || |n: u32| Ok(n),
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
    }

    #[test]
    fn the_steps_run_on_other_threads_each_with_its_own_state() {
        let here = std::thread::current().id();
        let mut threads = Vec::new();
        let result: Result<(), ()> = run(
            (0..100).map(Ok),
            2,
            || {
                let mut count = 0;
                move |_: u32| {
                    count += 1;
                    Ok((count, std::thread::current().id()))
                }
            },
            |(count, there)| {
                threads.push((count, there));
                Ok(())
            },
        );
        assert_eq!(result, Ok(()));
        assert!(threads.iter().all(|(_, there)| *there != here));
        // Two workers, taking turns: each counted its own 50.
        assert_eq!(threads[99].0, 50);
        assert_ne!(threads[0].1, threads[1].1);
    }
}
