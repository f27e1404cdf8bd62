// A Rust function in a module, for demangling legacy (`_ZN…17h…E`) and v0 (`_R…`) names.
mod geometry {
    #[inline(never)]
    pub fn spin(rounds: u64) -> u64 {
        let mut total = 0u64;
        for i in 0..rounds {
            total = std::hint::black_box(total.wrapping_add(i * 3));
        }
        total
    }
}

fn main() {
    println!("{}", geometry::spin(std::hint::black_box(10)));
}
