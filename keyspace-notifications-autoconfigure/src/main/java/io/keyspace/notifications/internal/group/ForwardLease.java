package io.keyspace.notifications.internal.group;

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

	// KEYS: lease, forwardedUntil. ARGV: owner, lease ms. Returns the previous forwardedUntil
	// ('' if none) when taken, nil when someone else holds the lease.
	private static final String ACQUIRE = """
			if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
			  return redis.call('GET', KEYS[2]) or ''
			end
			return false""";

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
	 * @return until when (epoch ms) the previous forwarder surely forwarded, {@code 0} if the
	 * source was never forwarded, or {@code -1} when another instance holds the lease
	 */
	long acquire(String tag) {
		Object until = this.redis.eval(ACQUIRE, List.of(this.keys.lease(tag), this.keys.forwardedUntil(tag)),
				List.of(this.owner, Long.toString(this.leaseMillis)));
		if (until == null) {
			return -1;
		}
		String text = (until instanceof byte[] bytes) ? new String(bytes) : until.toString();
		return text.isEmpty() ? 0 : Long.parseLong(text);
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

}
