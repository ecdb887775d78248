//! Setup and read-back: what [`crate::FakeSlack`] calls outside the Web API, to seed the
//! workspace (people, channels, human messages, uploaded bytes) and to read back what the
//! app left in it (channels, messages, ephemerals, views, calls).

use serde_json::Value;

use super::{dedup, Call, Channel, ChannelRecord, Ephemeral, Message, User, View, Workspace};

impl Workspace {
    /// Adds a user, or renames an existing one.
    pub(crate) fn add_user(&mut self, id: &str, name: &str) {
        if let Some(user) = self.users.iter_mut().find(|u| u.id == id) {
            user.name = name.to_owned();
            user.real_name = name.to_owned();
            user.display_name = name.to_owned();
            return;
        }
        self.users.push(User {
            id: id.to_owned(),
            name: name.to_owned(),
            real_name: name.to_owned(),
            display_name: name.to_owned(),
            is_bot: false,
        });
    }

    /// Sets a member's profile names as `users.info` reports them (an empty display name is
    /// what Slack answers for people who set none). Returns false for an unknown user.
    pub(crate) fn set_profile(&mut self, id: &str, display_name: &str, real_name: &str) -> bool {
        let Some(user) = self.users.iter_mut().find(|u| u.id == id) else {
            return false;
        };
        user.display_name = display_name.to_owned();
        user.real_name = real_name.to_owned();
        true
    }

    /// Deletes channel `id` and its messages; false when it is unknown.
    pub(crate) fn delete_channel(&mut self, id: &str) -> bool {
        let Some(idx) = self.channel_index(id) else {
            return false;
        };
        self.channels.remove(idx);
        self.messages.retain(|m| m.channel != id);
        true
    }

    /// Removes `user` from channel `id`; false when the channel or the membership is unknown.
    pub(crate) fn remove_member(&mut self, id: &str, user: &str) -> bool {
        let Some(idx) = self.channel_index(id) else {
            return false;
        };
        let members = &mut self.channels[idx].channel.members;
        let before = members.len();
        members.retain(|m| m != user);
        members.len() != before
    }

    /// Adds a pre-existing public channel, or replaces the name and members of one.
    pub(crate) fn add_channel(&mut self, id: &str, name: &str, members: &[&str], now: i64) {
        let members: Vec<String> = dedup(members.iter().map(|m| (*m).to_owned()));
        self.issued_ids.insert(id.to_owned());
        if let Some(rec) = self.channels.iter_mut().find(|c| c.channel.id == id) {
            rec.channel.name = name.to_owned();
            rec.channel.members = members;
            return;
        }
        self.channels.push(ChannelRecord {
            creator: members.first().cloned().unwrap_or_default(),
            channel: Channel {
                id: id.to_owned(),
                name: name.to_owned(),
                is_private: false,
                topic: String::new(),
                members,
                pins: Vec::new(),
                is_archived: false,
            },
            created: now,
            topic_creator: String::new(),
            topic_last_set: 0,
        });
    }

    pub(crate) fn channels(&self) -> Vec<Channel> {
        self.channels.iter().map(|c| c.channel.clone()).collect()
    }

    pub(crate) fn channel(&self, id: &str) -> Option<Channel> {
        self.channels
            .iter()
            .find(|c| c.channel.id == id)
            .map(|c| c.channel.clone())
    }

    pub(crate) fn channel_by_name(&self, name: &str) -> Option<Channel> {
        let name = name.trim_start_matches('#');
        self.channels
            .iter()
            .find(|c| c.channel.name == name)
            .map(|c| c.channel.clone())
    }

    pub(crate) fn messages(&self, channel_id: &str) -> Vec<Message> {
        self.messages
            .iter()
            .filter(|m| m.channel == channel_id)
            .cloned()
            .collect()
    }

    pub(crate) fn ephemerals(&self) -> Vec<Ephemeral> {
        self.ephemerals.clone()
    }

    pub(crate) fn views(&self) -> Vec<View> {
        self.views.iter().map(|v| v.view.clone()).collect()
    }

    pub(crate) fn calls(&self) -> Vec<Call> {
        self.calls.clone()
    }

    pub(crate) fn call_count(&self, method: &str) -> usize {
        self.calls
            .iter()
            .filter(|c| c.ok && c.method == method)
            .count()
    }

    pub(crate) fn record_call(&mut self, call: Call) {
        self.calls.push(call);
    }

    /// The display name of a user, for transcripts.
    pub(crate) fn user_name(&self, id: &str) -> Option<String> {
        self.users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
    }

    /// Posts a message as a person (not through the API): tests need human messages to act
    /// on, e.g. for the "Add to timeline" message shortcut. Returns the new ts, or `None` when
    /// the channel, or the parent of a reply, does not exist.
    pub(crate) fn post_as_user(
        &mut self,
        channel_id: &str,
        user: &str,
        text: &str,
        thread_ts: Option<&str>,
        now: i64,
    ) -> Option<String> {
        self.channel_index(channel_id)?;
        if let Some(parent) = thread_ts {
            self.top_level_index(channel_id, parent)?;
        }
        let ts = self.next_ts(now);
        self.messages.push(Message {
            channel: channel_id.to_owned(),
            ts: ts.clone(),
            user: user.to_owned(),
            text: text.to_owned(),
            blocks: Value::Null,
            thread_ts: thread_ts.map(str::to_owned),
            edits: 0,
            files: Vec::new(),
            metadata: None,
        });
        Some(ts)
    }

    /// Stores the bytes uploaded to an upload URL. False when the file id was never handed out.
    pub(crate) fn store_upload(&mut self, file_id: &str, bytes: &[u8]) -> bool {
        match self.uploads.get_mut(file_id) {
            Some(upload) => {
                upload.content = Some(bytes.to_vec());
                true
            }
            None => false,
        }
    }
}
