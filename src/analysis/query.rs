//! The lexical search's query language: words and phrases, `OR`, `AND` (in the same speaker turn),
//! `NOT` (not in the same turn), `NEAR/n` (within n words), brackets, `*` and `?` in words.
//!
//! Words side by side form a phrase (`elektronische Akte`), as do words in quotes (`"…"`, `„…“`);
//! quotes are needed only around an operator word. Operators are written in capitals; `NEAR` binds
//! closest, then `AND` and `NOT`, then `OR`.

use super::fold::words_of;
use crate::model::error::{Error, Result};

/// A parsed query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Query {
    /// A word or a phrase: its folded words, which may hold `*` and `?`.
    Phrase(Vec<String>),
    Or(Vec<Query>),
    /// Both sides in the same turn; the hits of both count.
    And(Box<Query>, Box<Query>),
    /// The left side's hits in turns without the right side.
    Not(Box<Query>, Box<Query>),
    /// Both sides within `n` words of each other in the same turn; one hit from the first to the last.
    Near(Box<Query>, Box<Query>, usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Words(String),
    Quoted(String),
    Open,
    Close,
    Or,
    And,
    Not,
    Near(usize),
}

/// Reads a query; an error names the character (from 1) where it goes wrong and why.
pub fn parse_query(text: &str) -> Result<Query> {
    let tokens = lex(text)?;
    let mut parser = Parser {
        text,
        tokens,
        at: 0,
    };
    if parser.tokens.is_empty() {
        return Err(parser.error(1, "the search is empty; type a word"));
    }
    let query = parser.or()?;
    if let Some((pos, token)) = parser.tokens.get(parser.at) {
        let reason = match token {
            Token::Close => "this closing bracket has no opening one",
            _ => "this cannot follow what stands before it",
        };
        return Err(parser.error(*pos, reason));
    }
    Ok(query)
}

fn lex(text: &str) -> Result<Vec<(usize, Token)>> {
    let chars: Vec<char> = text.chars().collect();
    let error = |position: usize, reason: &str| Error::BadQuery {
        query: text.to_owned(),
        position,
        reason: reason.to_owned(),
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push((pos, Token::Open));
            i += 1;
        } else if c == ')' {
            out.push((pos, Token::Close));
            i += 1;
        } else if matches!(c, '"' | '„' | '“' | '»' | '«') {
            let closing: &[char] = match c {
                '„' => &['“', '"'],
                '“' => &['”', '"'],
                '»' => &['«'],
                '«' => &['»'],
                _ => &['"', '“', '”'],
            };
            let Some(len) = chars[i + 1..].iter().position(|c| closing.contains(c)) else {
                return Err(error(pos, "this quotation mark is never closed"));
            };
            let inner: String = chars[i + 1..i + 1 + len].iter().collect();
            if words_of(&inner, true).is_empty() {
                return Err(error(pos, "these quotation marks hold no word"));
            }
            out.push((pos, Token::Quoted(inner)));
            i += len + 2;
        } else {
            let start = i;
            while i < chars.len()
                && !chars[i].is_whitespace()
                && !matches!(chars[i], '(' | ')' | '"' | '„' | '“' | '»' | '«')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let token = match word.as_str() {
                "OR" => Token::Or,
                "AND" => Token::And,
                "NOT" => Token::Not,
                w if w.starts_with("NEAR") => {
                    let n = w
                        .strip_prefix("NEAR/")
                        .and_then(|n| n.parse::<usize>().ok())
                        .ok_or_else(|| {
                            error(pos, "NEAR needs the number of words, written as NEAR/5")
                        })?;
                    Token::Near(n)
                }
                _ => {
                    if words_of(&word, true).is_empty() {
                        return Err(error(pos, "this holds no letter or digit to search for"));
                    }
                    Token::Words(word)
                }
            };
            out.push((pos, token));
        }
    }
    Ok(out)
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<(usize, Token)>,
    at: usize,
}

impl Parser<'_> {
    fn error(&self, position: usize, reason: &str) -> Error {
        Error::BadQuery {
            query: self.text.to_owned(),
            position,
            reason: reason.to_owned(),
        }
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(_, t)| t)
    }

    /// Where the next token starts, or just past the end.
    fn position(&self) -> usize {
        self.tokens
            .get(self.at)
            .map_or(self.text.chars().count() + 1, |(p, _)| *p)
    }

    fn or(&mut self) -> Result<Query> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Token::Or) {
            self.at += 1;
            parts.push(self.operand("OR")?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Query::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Query> {
        let mut left = self.near()?;
        loop {
            match self.peek() {
                Some(Token::And) => {
                    self.at += 1;
                    let right = self.near_operand("AND")?;
                    left = Query::And(Box::new(left), Box::new(right));
                }
                Some(Token::Not) => {
                    self.at += 1;
                    let right = self.near_operand("NOT")?;
                    left = Query::Not(Box::new(left), Box::new(right));
                }
                _ => return Ok(left),
            }
        }
    }

    fn near(&mut self) -> Result<Query> {
        let mut left = self.primary()?;
        while let Some(Token::Near(n)) = self.peek() {
            let n = *n;
            self.at += 1;
            let right = self.primary_after("NEAR")?;
            left = Query::Near(Box::new(left), Box::new(right), n);
        }
        Ok(left)
    }

    /// The right side of `OR`.
    fn operand(&mut self, operator: &str) -> Result<Query> {
        self.expect_term(operator)?;
        self.and()
    }

    fn near_operand(&mut self, operator: &str) -> Result<Query> {
        self.expect_term(operator)?;
        self.near()
    }

    fn primary_after(&mut self, operator: &str) -> Result<Query> {
        self.expect_term(operator)?;
        self.primary()
    }

    fn expect_term(&self, operator: &str) -> Result<()> {
        match self.peek() {
            Some(Token::Words(_) | Token::Quoted(_) | Token::Open) => Ok(()),
            _ => Err(self.error(
                self.position(),
                &format!("{operator} needs a word or phrase after it"),
            )),
        }
    }

    fn primary(&mut self) -> Result<Query> {
        match self.peek() {
            Some(Token::Open) => {
                let open = self.position();
                self.at += 1;
                if self.peek() == Some(&Token::Close) {
                    return Err(self.error(open, "these brackets hold nothing"));
                }
                let inner = self.or()?;
                if self.peek() != Some(&Token::Close) {
                    return Err(self.error(open, "this bracket is never closed"));
                }
                self.at += 1;
                Ok(inner)
            }
            Some(Token::Words(_) | Token::Quoted(_)) => {
                let mut words = Vec::new();
                while let Some(Token::Words(text) | Token::Quoted(text)) = self.peek() {
                    words.extend(words_of(text, true).into_iter().map(|(_, _, w)| w));
                    self.at += 1;
                }
                Ok(Query::Phrase(words))
            }
            Some(Token::Or | Token::And | Token::Not | Token::Near(_)) => {
                let name = match self.peek() {
                    Some(Token::Or) => "OR",
                    Some(Token::And) => "AND",
                    Some(Token::Not) => "NOT",
                    _ => "NEAR",
                };
                Err(self.error(
                    self.position(),
                    &format!("{name} needs a word or phrase before it"),
                ))
            }
            Some(Token::Close) => {
                Err(self.error(self.position(), "this closing bracket has no opening one"))
            }
            None => Err(self.error(self.position(), "a word or phrase is missing at the end")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrase(words: &[&str]) -> Query {
        Query::Phrase(words.iter().map(|w| w.to_string()).collect())
    }

    fn error_at(text: &str) -> (usize, String) {
        match parse_query(text) {
            Err(Error::BadQuery {
                position, reason, ..
            }) => (position, reason),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn words_phrases_and_operators() {
        assert_eq!(parse_query("E-Akte").unwrap(), phrase(&["e", "akte"]));
        assert_eq!(
            parse_query(r#"E-Akte OR „elektronische Akte“ OR eAkte"#).unwrap(),
            Query::Or(vec![
                phrase(&["e", "akte"]),
                phrase(&["elektronische", "akte"]),
                phrase(&["eakte"])
            ])
        );
        assert_eq!(
            parse_query("Akte* AND Papier NOT Drucker").unwrap(),
            Query::Not(
                Box::new(Query::And(
                    Box::new(phrase(&["akte*"])),
                    Box::new(phrase(&["papier"]))
                )),
                Box::new(phrase(&["drucker"]))
            )
        );
        assert_eq!(
            parse_query("Video NEAR/3 Beratung OR Telefon").unwrap(),
            Query::Or(vec![
                Query::Near(
                    Box::new(phrase(&["video"])),
                    Box::new(phrase(&["beratung"])),
                    3
                ),
                phrase(&["telefon"])
            ])
        );
        assert_eq!(
            parse_query("(Akte OR Papier) AND Straße").unwrap(),
            Query::And(
                Box::new(Query::Or(vec![phrase(&["akte"]), phrase(&["papier"])])),
                Box::new(phrase(&["strasse"]))
            )
        );
        // Lower-case operator words are words.
        assert_eq!(parse_query("or").unwrap(), phrase(&["or"]));
        assert_eq!(parse_query("\"OR\"").unwrap(), phrase(&["or"]));
    }

    #[test]
    fn errors_point_at_the_place() {
        assert_eq!(error_at("Akte OR").0, 8);
        assert_eq!(error_at("OR Akte").0, 1);
        assert_eq!(error_at("Akte AND NOT x").0, 10);
        assert_eq!(error_at("Akte NEAR/x Papier").0, 6);
        assert_eq!(error_at("Akte \"Papier").0, 6);
        assert_eq!(error_at("(Akte OR Papier").0, 1);
        assert_eq!(error_at("Akte) OR x").0, 5);
        assert_eq!(error_at("  ").0, 1);
        assert_eq!(error_at("Akte -- x").0, 6);
        let message = parse_query("Akte OR").unwrap_err().to_string();
        assert_eq!(
            message,
            "the search “Akte OR” cannot be read at character 8: OR needs a word or phrase after it"
        );
    }
}
