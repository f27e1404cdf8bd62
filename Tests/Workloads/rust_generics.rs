// Generic Rust code instantiated twice: with v0 mangling the two `Stack::push` copies have
// names that differ only in their type arguments, which short names must keep apart.
/// `std::hint::black_box` is stable only from Rust 1.66; Debian 12's rustc is 1.63.
#[inline(always)]
fn opaque<T>(value: T) -> T {
    // SAFETY: a bitwise copy read through a volatile load, the original forgotten.
    let copy = unsafe { std::ptr::read_volatile(&value) };
    std::mem::forget(value);
    copy
}

pub struct Stack<T> {
    items: Vec<T>,
}

impl<T: Clone> Stack<T> {
    #[inline(never)]
    pub fn push(&mut self, item: T, copies: usize) {
        for _ in 0..copies {
            self.items.push(opaque(item.clone()));
        }
    }
}

fn main() {
    let mut numbers = Stack { items: Vec::new() };
    numbers.push(7u64, 1000);
    let mut words = Stack { items: Vec::new() };
    words.push(String::from("word"), 1000);
    println!("{} {}", numbers.items.len(), words.items.len());
}
