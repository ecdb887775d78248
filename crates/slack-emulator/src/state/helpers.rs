//! What every method family shares: finding a channel or message (and Slack's
//! `channel_not_found` / `not_in_channel` answers for them), handing out message ts and
//! ids, and two small free helpers.

use rand::Rng;
use serde_json::{Map, Value};

use super::{err, str_arg, ApiError, Args, Workspace, BOT_USER_ID};

impl Workspace {
    pub(super) fn channel_index(&self, id: &str) -> Option<usize> {
        self.channels.iter().position(|c| c.channel.id == id)
    }

    /// The channel named by argument `key`; a missing one is `channel_not_found`, as on Slack.
    pub(super) fn channel_arg(&self, args: &Args, key: &str) -> Result<usize, ApiError> {
        str_arg(args, key)
            .and_then(|id| self.channel_index(&id))
            .ok_or(ApiError::from("channel_not_found"))
    }

    /// Like [`Self::channel_arg`], for reads: a private channel the bot is not in does not
    /// exist as far as the bot can tell.
    pub(super) fn visible_channel_arg(&self, args: &Args, key: &str) -> Result<usize, ApiError> {
        let idx = self.channel_arg(args, key)?;
        if self.is_visible(idx) {
            Ok(idx)
        } else {
            err("channel_not_found")
        }
    }

    pub(super) fn is_visible(&self, idx: usize) -> bool {
        !self.channels[idx].channel.is_private || self.is_member(idx, BOT_USER_ID)
    }

    /// Bots may post to any public channel (`chat:write.public`), but only to private channels
    /// they are in.
    pub(super) fn require_postable(&self, idx: usize) -> Result<(), ApiError> {
        if self.channels[idx].channel.is_private && !self.is_member(idx, BOT_USER_ID) {
            return err("not_in_channel");
        }
        Ok(())
    }

    pub(super) fn is_member(&self, idx: usize, user: &str) -> bool {
        self.channels[idx].channel.members.iter().any(|m| m == user)
    }

    pub(super) fn user_exists(&self, id: &str) -> bool {
        self.users.iter().any(|u| u.id == id)
    }

    pub(super) fn message_index(&self, channel_id: &str, ts: &str) -> Option<usize> {
        self.messages
            .iter()
            .position(|m| m.channel == channel_id && m.ts == ts)
    }

    pub(super) fn top_level_index(&self, channel_id: &str, ts: &str) -> Option<usize> {
        self.message_index(channel_id, ts)
            .filter(|&m| self.messages[m].thread_ts.is_none())
    }

    /// The next message ts: unix seconds and a 6-digit counter. The counter never goes back,
    /// so two messages never share a ts and later messages always sort after earlier ones,
    /// even within one second or if the clock steps back.
    pub(super) fn next_ts(&mut self, now: i64) -> String {
        let (mut secs, mut seq) = self.last_ts;
        seq += 1;
        if now > secs {
            secs = now;
        }
        if seq > 999_999 {
            secs += 1;
            seq = 0;
        }
        self.last_ts = (secs, seq);
        format!("{secs}.{seq:06}")
    }

    /// A fresh id: `prefix` and `len` random uppercase letters and digits, never reused.
    pub(super) fn fresh_id(&mut self, prefix: &str, len: usize) -> String {
        loop {
            let id = format!("{prefix}{}", self.random_alnum(len));
            if self.issued_ids.insert(id.clone()) {
                return id;
            }
        }
    }

    pub(super) fn fresh_hash(&mut self, now: i64) -> String {
        let suffix = self.random_alnum(8).to_ascii_lowercase();
        format!("{now}.{suffix}")
    }

    fn random_alnum(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        (0..len)
            .map(|_| char::from(ALPHABET[self.rng.gen_range(0..ALPHABET.len())]))
            .collect()
    }
}

pub(super) fn fields<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

pub(super) fn dedup(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{ws, NOW};

    #[test]
    fn ts_is_strictly_increasing_even_when_the_clock_steps_back() {
        let mut ws = ws();
        let a = ws.next_ts(NOW);
        let b = ws.next_ts(NOW);
        let c = ws.next_ts(NOW - 10);
        let d = ws.next_ts(NOW + 1);
        assert_eq!(a, "1700000000.000100");
        assert_eq!(b, "1700000000.000101");
        assert_eq!(c, "1700000000.000102");
        assert_eq!(d, "1700000001.000103");
        ws.last_ts = (NOW, 999_999);
        assert_eq!(ws.next_ts(NOW), "1700000001.000000");
    }
}
