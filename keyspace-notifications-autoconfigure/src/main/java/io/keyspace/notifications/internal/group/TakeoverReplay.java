package io.keyspace.notifications.internal.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.keyspace.notifications.KeyNotification;

/**
 * What a new forwarder replays: what it kept since shortly before the previous forwarder's
 * last renewal, minus what that forwarder did write.
 * <p>
 * The replay starts a second before the renewal (the instances' clocks and handler lag
 * differ). The previous forwarder wrote much of it: the stream's entries (their ids are the
 * server's clock) are read back from a second further still and matched, by channel and
 * message and oldest first, against what was kept over that same longer window; what is kept
 * in the replay window and matched nothing is forwarded. So a clean handover forwards nothing
 * twice, and an entry written a little before the replay window cannot stand for a later,
 * identical notification (the same event on the same key) that was never written: the older
 * copy kept matches it first.
 */
final class TakeoverReplay {

	/** Clocks and handler lag of two instances may differ by this much. */
	static final long MARGIN_MILLIS = 1_000;

	private final GroupRedis redis;

	TakeoverReplay(GroupRedis redis) {
		this.redis = redis;
	}

	/** From when a takeover needs what was kept: {@link #notYetIn} matches back to here. */
	static long keptSince(long previousUntil) {
		return Math.max(0, previousUntil - 2 * MARGIN_MILLIS);
	}

	/**
	 * @param kept what this instance kept since {@link #keptSince}, oldest first
	 * @return the notifications kept since {@code previousUntil - MARGIN_MILLIS} that are not in
	 * the stream yet, in order; everything kept when the source was never forwarded
	 */
	List<KeyNotification> notYetIn(String stream, long previousUntil, List<ReplayBuffer.Read> kept) {
		if (previousUntil <= 0) {
			return kept.stream().map(ReplayBuffer.Read::notification).toList();
		}
		Map<String, Integer> written = writtenSince(stream, keptSince(previousUntil));
		long replayFrom = previousUntil - MARGIN_MILLIS;
		List<KeyNotification> missing = new ArrayList<>(kept.size());
		for (ReplayBuffer.Read read : kept) {
			String identity = StreamEntries.identity(read.notification());
			Integer count = written.get(identity);
			if (count == null) {
				if (read.readMillis() >= replayFrom) {
					missing.add(read.notification());
				}
			}
			else if (count == 1) {
				written.remove(identity);
			}
			else {
				written.put(identity, count - 1);
			}
		}
		return missing;
	}

	private Map<String, Integer> writtenSince(String stream, long sinceMillis) {
		Map<String, Integer> written = new HashMap<>();
		for (Map<String, String> fields : this.redis.entriesSince(stream, sinceMillis)) {
			StreamEntries.identities(fields).forEach((identity) -> written.merge(identity, 1, Integer::sum));
		}
		return written;
	}

}
