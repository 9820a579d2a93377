package io.keyspace.notifications.internal.group;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.NotificationGap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;

/**
 * Gives each group stream its consumer group before anything is written to it, and again
 * whenever Redis lost it: a restart without persistence, a failover to a replica that had not
 * received it, a {@code DEL}, an eviction under {@code maxmemory}. The forwarder (before its
 * first write, and when an append finds the stream missing), the readers (on {@code NOGROUP})
 * and the watch (a stream or group gone) all come here; {@code XGROUP CREATE … MKSTREAM} is
 * atomic, so of every thread of every instance that tries, one creates the group — and only
 * that one reports the loss, once, as a {@link GapCause#STREAM_LOST} gap from the oldest
 * entry the group had not handled when this instance last saw the stream until now.
 * <p>
 * The group starts at the stream's beginning: nothing written after the loss is skipped, and
 * since appends never create a stream ({@code NOMKSTREAM}), nothing is written into a stream
 * without its group.
 * <p>
 * Thread-safe without locks: the server decides who creates; the notes are in a concurrent map.
 */
final class StreamRecovery {

	private static final Logger logger = LoggerFactory.getLogger(StreamRecovery.class);

	private final String group;

	private final GroupRedis redis;

	private final Clock clock;

	private final StreamWatch watch;

	private final Set<String> channels;

	private final Consumer<NotificationGap> gaps;

	// Per stream, until when its forwarder surely wrote everything (its lease note, as seen here).
	private final Map<String, Long> forwardedUntil = new ConcurrentHashMap<>();

	StreamRecovery(String group, GroupRedis redis, Clock clock, StreamWatch watch, Set<String> channels,
			Consumer<NotificationGap> gaps) {
		this.group = group;
		this.redis = redis;
		this.clock = clock;
		this.watch = watch;
		this.channels = Set.copyOf(channels);
		this.gaps = gaps;
	}

	/**
	 * Until when the stream's forwarder surely wrote everything: what a loss costs starts no
	 * later, in case the forwarder lagged behind the last look at the stream.
	 */
	void forwardedUntil(String stream, long millis) {
		this.forwardedUntil.put(stream, millis);
	}

	/**
	 * Makes sure the stream exists with the group, and is in the group's registry.
	 * @param node the source node the stream carries, for the gap when the stream was never seen here
	 * @return whether this call created the group
	 */
	boolean ensure(String stream, String node) {
		boolean created = this.redis.createGroup(stream);
		this.redis.register(stream);
		if (!created) {
			return false;
		}
		StreamWatch.Seen seen = this.watch.forget(stream);
		if (seen != null) {
			NotificationGap gap = lossGap(seen, this.forwardedUntil.getOrDefault(stream, 0L), node,
					this.clock.millis(), this.channels);
			logger.warn("The stream {} of group '{}' was lost in Redis (a restart without persistence, a failover to a "
					+ "replica that had not received it, or the key was deleted or evicted) and is recreated with the "
					+ "group. What the group had not handled when the stream was last seen ({} pending, {} not yet "
					+ "read) is lost: notifications of {} from {} to {}", stream, this.group,
					seen.state().group().pending(), (seen.unread() != null) ? seen.unread() : "unknown", gap.node(),
					gap.start(), gap.end());
			this.gaps.accept(gap);
		}
		return true;
	}

	/**
	 * The window a lost stream cost: from the oldest entry the group had not handled when it
	 * was seen (pending, or the first not yet delivered; the moment it was seen if none) until
	 * now, or from until when the forwarder surely wrote everything if that is earlier. How
	 * many were lost is not known: what was added after that look was lost too.
	 * @param forwardedUntil the forwarder's note (epoch ms), 0 if unknown
	 */
	static NotificationGap lossGap(StreamWatch.Seen seen, long forwardedUntil, String node, long nowMillis,
			Set<String> channels) {
		StreamState state = seen.state();
		StreamState.GroupState group = state.group();
		long from = (forwardedUntil > 0) ? Math.min(seen.atMillis(), forwardedUntil) : seen.atMillis();
		if (group.pending() > 0) {
			from = Math.min(from, group.oldestPending().getTime());
		}
		if (state.lastGenerated() != null && group.lastDelivered().compareTo(state.lastGenerated()) < 0) {
			StreamEntryID firstUndelivered = (state.first() != null && state.first().compareTo(group.lastDelivered()) > 0)
					? state.first() : group.lastDelivered();
			from = Math.min(from, firstUndelivered.getTime());
		}
		String source = (state.firstNode() != null) ? state.firstNode() : node;
		return new NotificationGap(source, GapCause.STREAM_LOST, Instant.ofEpochMilli(from),
				Instant.ofEpochMilli(Math.max(from, nowMillis)), channels, 0);
	}

}
