//! When the page's code has taken over the server's HTML. What the phone holds (its outbox,
//! its last sync) is shown only after: hydration walks the server's HTML expecting the same
//! view the server rendered, and a screen loaded on demand hydrates later than the rest, by
//! when the phone's outbox may long be read. A view built from it then differs from the HTML
//! (a list where the server put "Loading…"), which cannot be hydrated.

use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::task::{Poll, Waker};

thread_local! {
    static DONE: Cell<bool> = const { Cell::new(false) };
    static WAITING: RefCell<Vec<Waker>> = const { RefCell::new(Vec::new()) };
}

/// Says the page is hydrated (or was rendered in the browser alone, with nothing to hydrate).
pub fn finished() {
    DONE.set(true);
    for waker in WAITING.take() {
        waker.wake();
    }
}

/// Waits until the page is hydrated.
pub async fn done() {
    poll_fn(|cx| {
        if DONE.get() {
            Poll::Ready(())
        } else {
            WAITING.with_borrow_mut(|w| w.push(cx.waker().clone()));
            Poll::Pending
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::sync::Arc;
    use std::task::{Context, Wake};

    struct Flag(std::sync::atomic::AtomicBool);
    impl Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    #[test]
    fn waits_until_finished_then_wakes() {
        let flag = Arc::new(Flag(false.into()));
        let waker = Waker::from(flag.clone());
        let mut cx = Context::from_waker(&waker);
        let mut waiting = Box::pin(done());
        assert!(waiting.as_mut().poll(&mut cx).is_pending());
        assert!(!flag.0.load(std::sync::atomic::Ordering::SeqCst));
        finished();
        assert!(flag.0.load(std::sync::atomic::Ordering::SeqCst), "the waiter is woken");
        assert!(waiting.as_mut().poll(&mut cx).is_ready());
        assert!(Box::pin(done()).as_mut().poll(&mut cx).is_ready(), "later waiters do not wait");
    }
}
