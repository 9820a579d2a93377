package io.keyspace.notifications.internal.group;

import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * For each hash slot, a short string that hashes to it: used as a hash tag, it puts a group's
 * stream on the node that owns the slot, next to the events it carries.
 */
public final class SlotTags {

	private static final int SLOTS = 16384;

	private static volatile String[] tags;

	private SlotTags() {
	}

	public static String of(int slot) {
		String[] known = tags;
		if (known == null) {
			known = compute();
			tags = known;
		}
		return known[slot];
	}

	// About 160,000 CRC16s of short strings, once: every slot gets the first number hashing to it.
	private static String[] compute() {
		String[] computed = new String[SLOTS];
		int missing = SLOTS;
		for (int i = 0; missing > 0; i++) {
			String candidate = Integer.toString(i, 36);
			int slot = JedisClusterCRC16.getSlot(candidate);
			if (computed[slot] == null) {
				computed[slot] = candidate;
				missing--;
			}
		}
		return computed;
	}

}
