// Generic Rust code instantiated twice: with v0 mangling the two `Stack::push` copies have
// names that differ only in their type arguments, which short names must keep apart.
pub struct Stack<T> {
    items: Vec<T>,
}

impl<T: Clone> Stack<T> {
    #[inline(never)]
    pub fn push(&mut self, item: T, copies: usize) {
        for _ in 0..copies {
            self.items.push(std::hint::black_box(item.clone()));
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
