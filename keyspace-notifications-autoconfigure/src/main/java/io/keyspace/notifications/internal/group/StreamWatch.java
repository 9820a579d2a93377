package io.keyspace.notifications.internal.group;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.NotificationGap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;

/**
 * Looks at each group stream now and then, for two losses:
 * <ul>
 * <li>entries the stream's cap ({@code XADD MAXLEN ~}) trimmed before the group handled them:
 * delivered ones still pending, and undelivered ones (the group read fewer entries than were
 * added and are not in the stream anymore). Trimming moves the stream's first entry; each newly
 * trimmed range is logged at WARN and reported as an {@link GapCause#OVERFLOW} gap, with the
 * count of undelivered entries lost ({@code entries-added} and {@code entries-read}, Redis 7.0+);
 * <li>the stream itself: what the group had not handled when it was last seen is what a lost
 * stream costs, so {@link StreamRecovery} asks for that look ({@link #forget}).
 * </ul>
 * Threading: {@link #check} runs on the group's watch thread only; the last looks are in a
 * concurrent map, which recovery on other threads takes from.
 */
final class StreamWatch {

	private static final Logger logger = LoggerFactory.getLogger(StreamWatch.class);

	private final String group;

	private final GroupRedis redis;

	private final Clock clock;

	private final Set<String> channels;

	private final Consumer<NotificationGap> gaps;

	private final Map<String, Seen> lastSeen = new ConcurrentHashMap<>();

	private final Map<String, StreamEntryID> checkedFrom = new ConcurrentHashMap<>();

	StreamWatch(String group, GroupRedis redis, Clock clock, Set<String> channels, Consumer<NotificationGap> gaps) {
		this.group = group;
		this.redis = redis;
		this.clock = clock;
		this.channels = Set.copyOf(channels);
		this.gaps = gaps;
	}

	/**
	 * Looks at the stream, reports what was trimmed unhandled since the last look, and keeps
	 * the look if the stream has its group.
	 * @return the stream now, empty if it does not exist
	 */
	Optional<StreamState> check(String stream) {
		Optional<StreamState> state = this.redis.observe(stream);
		state.ifPresent((now) -> {
			reportTrimmed(stream, now);
			if (now.group() != null) {
				this.lastSeen.put(stream, new Seen(now, this.clock.millis()));
			}
		});
		return state;
	}

	/** Takes the last look at a stream (with its group), if any, and starts over for it. */
	Seen forget(String stream) {
		this.checkedFrom.remove(stream);
		return this.lastSeen.remove(stream);
	}

	private void reportTrimmed(String stream, StreamState state) {
		if (state.first() == null || state.first().equals(this.checkedFrom.get(stream))) {
			return;
		}
		StreamEntryID reported = this.checkedFrom.put(stream, state.first());
		Trimmed trimmed = trimmed(state, reported);
		if (trimmed == null) {
			return;
		}
		String node = (state.firstNode() != null) ? state.firstNode() : stream;
		logger.warn("Entries of {} from {} to {} were trimmed (groups.max-length) before group '{}' handled them "
				+ "({} never delivered): their notifications are lost for the group. Consumers fall behind: raise "
				+ "keyspace-notifications.groups.max-length or add instances", stream, trimmed.from(), state.first(),
				this.group, trimmed.undelivered());
		this.gaps.accept(new NotificationGap(node, GapCause.OVERFLOW, Instant.ofEpochMilli(trimmed.from().getTime()),
				Instant.ofEpochMilli(state.first().getTime()), this.channels, trimmed.undelivered()));
	}

	/**
	 * What the cap trimmed before the group handled it, seen now that the stream starts at
	 * {@code state.first()}.
	 * @param reportedUntil where the previous look's report ended (the first entry then), null
	 * for the first look
	 * @return null if nothing unhandled was trimmed
	 */
	static Trimmed trimmed(StreamState state, StreamEntryID reportedUntil) {
		StreamState.GroupState group = state.group();
		if (group == null || state.first() == null) {
			return null;
		}
		boolean pendingTrimmed = group.pending() > 0 && group.oldestPending().compareTo(state.first()) < 0;
		long undelivered = undeliveredTrimmed(state);
		if (!pendingTrimmed && undelivered == 0) {
			return null;
		}
		StreamEntryID from = pendingTrimmed ? group.oldestPending() : group.lastDelivered();
		if (reportedUntil != null && reportedUntil.compareTo(from) > 0) {
			from = reportedUntil;
		}
		return new Trimmed(from, undelivered);
	}

	/** Entries added but neither read by the group nor in the stream: trimmed unread. */
	private static long undeliveredTrimmed(StreamState state) {
		StreamState.GroupState group = state.group();
		if (state.entriesAdded() == null || group.entriesRead() == null
				|| group.lastDelivered().compareTo(state.first()) >= 0) {
			return 0;
		}
		return Math.max(0, state.entriesAdded() - group.entriesRead() - state.length());
	}

	/** A stream with its group, and when it was seen (epoch ms). */
	record Seen(StreamState state, long atMillis) {

		/** Entries the group had not read then, null when Redis could not tell. */
		Long unread() {
			Long read = this.state.group().entriesRead();
			return (this.state.entriesAdded() != null && read != null) ? this.state.entriesAdded() - read : null;
		}

	}

	/** A newly trimmed range: from where, and how many of its entries were never delivered. */
	record Trimmed(StreamEntryID from, long undelivered) {
	}

}
