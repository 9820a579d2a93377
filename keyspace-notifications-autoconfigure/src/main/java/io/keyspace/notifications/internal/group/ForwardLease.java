package io.keyspace.notifications.internal.group;

import java.util.List;

import redis.clients.jedis.UnifiedJedis;

/**
 * The lease that makes one instance the forwarder of a source: {@code SET NX PX} to take it,
 * a script that renews it only for its holder and notes until when the source was surely
 * forwarded, and one that gives it up (noting the same) so another instance takes over at once.
 * The lease and the note share a hash tag, so each script touches one slot.
 */
final class ForwardLease {

	// KEYS: lease, forwardedUntil. ARGV: owner, lease ms, now ms. Returns the previous
	// forwardedUntil ('' if none) when taken, nil when someone else holds the lease.
	private static final String ACQUIRE = """
			if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
			  local previous = redis.call('GET', KEYS[2]) or ''
			  redis.call('SET', KEYS[2], ARGV[3])
			  return previous
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
	long acquire(String tag, long nowMillis) {
		Object until = this.redis.eval(ACQUIRE, List.of(this.keys.lease(tag), this.keys.forwardedUntil(tag)),
				List.of(this.owner, Long.toString(this.leaseMillis), Long.toString(nowMillis)));
		if (until == null) {
			return -1;
		}
		String text = (until instanceof byte[] bytes) ? new String(bytes) : until.toString();
		return text.isEmpty() ? 0 : Long.parseLong(text);
	}

	/** @return whether this instance still holds the lease */
	boolean renew(String tag, long nowMillis) {
		Object renewed = this.redis.eval(RENEW, List.of(this.keys.lease(tag), this.keys.forwardedUntil(tag)),
				List.of(this.owner, Long.toString(this.leaseMillis), Long.toString(nowMillis)));
		return Long.valueOf(1).equals(renewed);
	}

	void release(String tag, long nowMillis) {
		this.redis.eval(RELEASE, List.of(this.keys.lease(tag), this.keys.forwardedUntil(tag)),
				List.of(this.owner, Long.toString(nowMillis)));
	}

}
