package io.keyspace.notifications.internal.group;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.NotificationGap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;
import redis.clients.jedis.resps.StreamInfo;
import redis.clients.jedis.resps.StreamPendingSummary;

/**
 * Notices entries a stream's cap ({@code XADD MAXLEN ~}) trimmed before the group handled
 * them: delivered ones still pending, and undelivered ones (the group read fewer entries than
 * were added and are not in the stream anymore). They are lost for the group, so each newly
 * trimmed range is logged at WARN and reported as an {@link GapCause#OVERFLOW} gap, with the
 * count of undelivered entries lost. Trimming moves the stream's first entry; the counts come
 * from {@code XINFO STREAM} ({@code entries-added}) and {@code XINFO GROUPS}
 * ({@code entries-read}), Redis 7.0+.
 * <p>
 * Threading: called by the group's maintenance thread only.
 */
final class TrimWatch {

	private static final Logger logger = LoggerFactory.getLogger(TrimWatch.class);

	private final String group;

	private final UnifiedJedis redis;

	private final Set<String> channels;

	private final Consumer<NotificationGap> gaps;

	private final Map<String, StreamEntryID> checkedFrom = new HashMap<>();

	TrimWatch(String group, UnifiedJedis redis, Set<String> channels, Consumer<NotificationGap> gaps) {
		this.group = group;
		this.redis = redis;
		this.channels = Set.copyOf(channels);
		this.gaps = gaps;
	}

	void check(String stream) {
		StreamInfo info = this.redis.xinfoStream(stream);
		StreamEntry first = info.getFirstEntry();
		if (first == null || first.getID().equals(this.checkedFrom.get(stream))) {
			return;
		}
		StreamEntryID reported = this.checkedFrom.put(stream, first.getID());
		StreamGroupInfo groupInfo = this.redis.xinfoGroups(stream).stream()
			.filter((candidate) -> candidate.getName().equals(this.group))
			.findFirst()
			.orElse(null);
		if (groupInfo == null) {
			return;
		}
		StreamPendingSummary pending = this.redis.xpending(stream, this.group);
		boolean pendingTrimmed = pending.getTotal() > 0 && pending.getMinId().compareTo(first.getID()) < 0;
		long unreadTrimmed = unreadTrimmed(info, groupInfo, first.getID());
		if (!pendingTrimmed && unreadTrimmed == 0) {
			return;
		}
		StreamEntryID lost = pendingTrimmed ? pending.getMinId() : groupInfo.getLastDeliveredId();
		if (reported != null && reported.compareTo(lost) > 0) {
			lost = reported;
		}
		String node = (first.getFields().get(StreamEntries.NODE) != null) ? first.getFields().get(StreamEntries.NODE)
				: stream;
		logger.warn("Entries of {} from {} to {} were trimmed (groups.max-length) before group '{}' handled them "
				+ "({} never delivered): their notifications are lost for the group. Consumers fall behind: raise "
				+ "keyspace-notifications.groups.max-length or add instances", stream, lost, first.getID(), this.group,
				unreadTrimmed);
		this.gaps.accept(new NotificationGap(node, GapCause.OVERFLOW, Instant.ofEpochMilli(lost.getTime()),
				Instant.ofEpochMilli(first.getID().getTime()), this.channels, unreadTrimmed));
	}

	/** Entries added but neither read by the group nor in the stream: trimmed unread. */
	private static long unreadTrimmed(StreamInfo info, StreamGroupInfo group, StreamEntryID first) {
		Long added = number(info.getStreamInfo().get("entries-added"));
		Long read = number(group.getGroupInfo().get("entries-read"));
		if (added == null || read == null || group.getLastDeliveredId().compareTo(first) >= 0) {
			return 0;
		}
		return Math.max(0, added - read - info.getLength());
	}

	private static Long number(Object value) {
		return (value instanceof Number number) ? number.longValue() : null;
	}

}
