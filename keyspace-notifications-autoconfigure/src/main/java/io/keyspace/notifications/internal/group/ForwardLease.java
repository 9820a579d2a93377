package io.keyspace.notifications.internal.group;

import java.nio.charset.StandardCharsets;
import java.util.List;

import redis.clients.jedis.UnifiedJedis;

/**
 * The lease that makes one instance the forwarder of a source: {@code SET NX PX} to take it
 * (reading until when the previous holder surely forwarded), a script that renews it only for
 * its holder and notes that time, and one that gives it up (noting the same) so another
 * instance takes over at once. Taking the lease leaves the note alone: the new holder has
 * forwarded nothing yet. The lease and the note share a hash tag, so each script touches one
 * slot.
 */
final class ForwardLease {

	// KEYS: lease, forwardedUntil. ARGV: owner, lease ms. Returns {1 if taken else 0, the
	// forwardedUntil note or ''}: the note also tells a non-holder what it may forget.
	private static final String ACQUIRE = """
			local taken = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0
			return {taken, redis.call('GET', KEYS[2]) or ''}""";

	private static final String RENEW = """
			if redis.call('GET', KEYS[1]) == ARGV[1] then
			  redis.call('PEXPIRE', KEYS[1], ARGV[2])
			  redis.call('SET', KEYS[2], ARGV[3])
			  return 1
			end
			return 0""";

	private static final String RELEASE = """
			if redis.call('GET', KEYS[1]) == ARGV[1] then
			  redis.call('SET', KEYS[2], ARGV[2])
			  redis.call('DEL', KEYS[1])
			end
			return 0""";

	private final UnifiedJedis redis;

	private final GroupKeys keys;

	private final String owner;

	private final long leaseMillis;

	ForwardLease(UnifiedJedis redis, GroupKeys keys, String owner, long leaseMillis) {
		this.redis = redis;
		this.keys = keys;
		this.owner = owner;
		this.leaseMillis = leaseMillis;
	}

	/**
	 * Tries to take the lease.
	 * @return whether it was taken, and the holder's (or the previous holder's) note of until
	 * when it surely forwarded (epoch ms, {@code 0} if the source was never forwarded)
	 */
	Attempt acquire(String tag) {
		List<?> reply = (List<?>) this.redis.eval(ACQUIRE,
				List.of(this.keys.lease(tag), this.keys.forwardedUntil(tag)),
				List.of(this.owner, Long.toString(this.leaseMillis)));
		String note = text(reply.get(1));
		return new Attempt(Long.valueOf(1).equals(reply.get(0)), note.isEmpty() ? 0 : Long.parseLong(note));
	}

	/**
	 * @param forwardedUntil until when (epoch ms) everything this instance read of the source
	 * was written to the stream
	 * @return whether this instance still holds the lease
	 */
	boolean renew(String tag, long forwardedUntil) {
		Object renewed = this.redis.eval(RENEW, List.of(this.keys.lease(tag), this.keys.forwardedUntil(tag)),
				List.of(this.owner, Long.toString(this.leaseMillis), Long.toString(forwardedUntil)));
		return Long.valueOf(1).equals(renewed);
	}

	void release(String tag, long forwardedUntil) {
		this.redis.eval(RELEASE, List.of(this.keys.lease(tag), this.keys.forwardedUntil(tag)),
				List.of(this.owner, Long.toString(forwardedUntil)));
	}

	private static String text(Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

	/** The outcome of {@link #acquire}: taken or not, and the forwarder's note. */
	record Attempt(boolean taken, long forwardedUntil) {
	}

}
