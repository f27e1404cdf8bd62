// A Rust function in a module, for demangling legacy (`_ZN…17h…E`) and v0 (`_R…`) names.
/// `std::hint::black_box` is stable only from Rust 1.66; Debian 12's rustc is 1.63.
#[inline(always)]
fn opaque<T>(value: T) -> T {
    // SAFETY: a bitwise copy read through a volatile load, the original forgotten.
    let copy = unsafe { std::ptr::read_volatile(&value) };
    std::mem::forget(value);
    copy
}

mod geometry {
    #[inline(never)]
    pub fn spin(rounds: u64) -> u64 {
        let mut total = 0u64;
        for i in 0..rounds {
            total = crate::opaque(total.wrapping_add(i * 3));
        }
        total
    }
}

fn main() {
    println!("{}", geometry::spin(crate::opaque(10)));
}
