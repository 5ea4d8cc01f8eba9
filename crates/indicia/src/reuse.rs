//! Buffers kept per thread and reused from one call to the next (scratch, evidence, outcomes).

use std::cell::RefCell;
use std::thread::LocalKey;

/// Runs `f` with this thread's value in `key`, or with a fresh value when that one is already
/// lent (a call from inside `f`), so that a nested call never panics and never sees the outer
/// call's buffers.
pub(crate) fn with_reused<T: Default + 'static, R>(
    key: &'static LocalKey<RefCell<T>>,
    f: impl FnOnce(&mut T) -> R,
) -> R {
    key.with(|cell| match cell.try_borrow_mut() {
        Ok(mut value) => f(&mut value),
        Err(_) => f(&mut T::default()),
    })
}
