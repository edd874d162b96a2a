//! One storage transaction around a synchronous closure.
//!
//! The `worker` crate does not wrap the runtime's
//! `storage.transactionSync(callback)`, and `exec` refuses `BEGIN`. This
//! calls it through JavaScript: an error returned from the closure is thrown
//! back into `transactionSync`, which rolls every write of the closure back.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use worker::Storage;

use super::store::StoreError;

/// Runs `f` in one transaction: all of its writes land, or none do. `f`
/// may fail with any error a storage failure converts into.
pub fn transaction<T, E, F>(storage: &Storage, f: F) -> Result<T, E>
where
    T: 'static,
    E: From<StoreError> + 'static,
    F: FnOnce() -> Result<T, E> + 'static,
{
    let raw: &JsValue = storage.as_raw().as_ref();
    let method = js_sys::Reflect::get(raw, &"transactionSync".into())
        .ok()
        .and_then(|m| m.dyn_into::<js_sys::Function>().ok())
        .ok_or_else(|| StoreError("storage.transactionSync is missing".into()))?;

    let outcome: Rc<RefCell<Option<Result<T, E>>>> = Rc::new(RefCell::new(None));
    let slot = outcome.clone();
    let callback = Closure::once(move || -> Result<JsValue, JsValue> {
        let result = f();
        let failed = result.is_err();
        *slot.borrow_mut() = Some(result);
        if failed {
            // Throwing is what makes transactionSync roll back.
            Err(JsValue::from_str("rolled back"))
        } else {
            Ok(JsValue::UNDEFINED)
        }
    });
    let thrown = method.call1(raw, callback.as_ref().unchecked_ref()).err();
    let result = outcome.borrow_mut().take();
    match (result, thrown) {
        (Some(Err(e)), _) => Err(e),
        (Some(Ok(value)), None) => Ok(value),
        // The closure succeeded but the commit itself failed.
        (_, Some(e)) => Err(StoreError(format!("transaction failed: {e:?}")).into()),
        (None, None) => Err(StoreError("transaction did not run".into()).into()),
    }
}
