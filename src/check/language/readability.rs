//! Readability: the syllable estimate behind the Flesch reading-ease score, and the score
//! of a page from its totals.

use super::sentences::Stats;
use crate::check::words::language::SYLLABLE_EXCEPTIONS;

pub(super) fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'e'
            | 'i'
            | 'o'
            | 'u'
            | 'y'
            | 'à'
            | 'á'
            | 'â'
            | 'ä'
            | 'è'
            | 'é'
            | 'ê'
            | 'ë'
            | 'ì'
            | 'í'
            | 'î'
            | 'ï'
            | 'ò'
            | 'ó'
            | 'ô'
            | 'ö'
            | 'ù'
            | 'ú'
            | 'û'
            | 'ü'
    )
}

/// An estimate of the syllables in an English word, good enough for a reading-ease score.
///
/// Counts groups of vowels (`y` is a vowel except at the start), then: a silent final `e`
/// is taken off (make, whole) except in a consonant + `le` (table, people); `-ed` is silent
/// except after `t` or `d` (helped, wanted) or in a consonant + `led` (handled); `-es` is
/// silent except after a hissing sound (makes, places, changes) or in a consonant + `les`
/// (tables); the silent `e` of `-ely`, `-eful`, `-eness` and `-ement` goes too (lovely,
/// careful, statement); `ia`, `io` and `iu` are two syllables unless after c, g, l, n, s, t
/// or x (media, period but social, nation, million); a vowel before `-ing` is its own
/// syllable (being, going). Words of up to three letters, numbers and anything else
/// count as at least one.
pub(super) fn syllables(word: &str) -> usize {
    // Counted for every word of every page: the letters go in a buffer on the stack, and
    // only an unusually long word needs the heap.
    let letters = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase);
    let mut buffer = ['\0'; 32];
    let mut long = Vec::new();
    let mut n = 0;
    for c in letters {
        if n < buffer.len() {
            buffer[n] = c;
        } else {
            if long.is_empty() {
                long.extend_from_slice(&buffer);
            }
            long.push(c);
        }
        n += 1;
    }
    let w: &[char] = if long.is_empty() { &buffer[..n] } else { &long };
    if n <= 3 {
        return 1;
    }
    if let Some((_, count)) = SYLLABLE_EXCEPTIONS
        .iter()
        .find(|(e, _)| e.chars().eq(w.iter().copied()))
    {
        return *count;
    }
    let vowel = |i: usize| is_vowel(w[i]) && !(i == 0 && w[i] == 'y');
    let consonant = |i: usize| !vowel(i);

    let mut count = 0usize;
    let mut i = 0;
    while i < n {
        if !vowel(i) {
            i += 1;
            continue;
        }
        count += 1;
        let run_start = i;
        if w[i] == 'i'
            && i > 0
            && i + 1 < n
            && matches!(w[i + 1], 'a' | 'o' | 'u')
            && !matches!(w[i - 1], 'c' | 'g' | 'l' | 'n' | 's' | 't' | 'x')
        {
            count += 1;
        }
        while i < n && vowel(i) {
            i += 1;
        }
        // "-ing" after a vowel: do-ing, be-ing, try-ing.
        if i == n - 2 && w[n - 2] == 'n' && w[n - 1] == 'g' && i - run_start >= 2 && w[i - 1] == 'i'
        {
            count += 1;
        }
    }

    if count > 1 {
        let ends = |s: &str| {
            let tail = s.chars().count();
            tail <= n && s.chars().eq(w[n - tail..].iter().copied())
        };
        let at = |back: usize| n - back;
        if ends("e") {
            let consonant_le = ends("le") && consonant(at(3));
            if !consonant_le && consonant(at(2)) {
                count -= 1;
            }
        } else if ends("ed") {
            let before = w[at(3)];
            let consonant_led = before == 'l' && consonant(at(4)) && w[at(4)] != 'l';
            if consonant(at(3)) && !matches!(before, 't' | 'd') && !consonant_led {
                count -= 1;
            }
        } else if ends("es") {
            let before = w[at(3)];
            let hissing = matches!(before, 's' | 'x' | 'z' | 'c' | 'g')
                || (before == 'h' && matches!(w[at(4)], 'c' | 's'));
            let consonant_les = before == 'l' && consonant(at(4));
            if consonant(at(3)) && !hissing && !consonant_les {
                count -= 1;
            }
        } else {
            for suffix in ["ely", "eful", "eness", "ement", "ements"] {
                if ends(suffix) && n > suffix.len() + 1 {
                    let before = at(suffix.len() + 1);
                    let keeps_e = suffix.starts_with("em") && w[before] == 'l';
                    if consonant(before) && !keeps_e {
                        count -= 1;
                    }
                    break;
                }
            }
        }
    }
    count.max(1)
}

impl Stats {
    /// Flesch reading ease: higher is easier; 60–70 is plain English. The formula can go
    /// below 0 and above 100; the score is kept between them, as it is usually given.
    pub(super) fn reading_ease(&self) -> f64 {
        if self.words == 0 {
            return 100.0;
        }
        let score =
            206.835 - 1.015 * self.average() - 84.6 * (self.syllables as f64 / self.words as f64);
        score.clamp(0.0, 100.0)
    }
}
