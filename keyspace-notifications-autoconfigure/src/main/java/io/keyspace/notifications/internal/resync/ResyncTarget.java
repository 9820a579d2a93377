package io.keyspace.notifications.internal.resync;

import java.util.BitSet;

import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.internal.cluster.ClusterTopology;

/**
 * A node to scan and which of its keys a pass covers.
 *
 * @param node the node that owns the keys (a primary)
 * @param slots in a cluster, the hash slots it owned when the target was chosen; null when it
 * owns every key (standalone, Sentinel, master/replica)
 */
public record ResyncTarget(RedisNode node, BitSet slots) {

	public ResyncTarget {
		slots = (slots != null) ? (BitSet) slots.clone() : null;
	}

	/** A node that owns every key. */
	public static ResyncTarget wholeNode(RedisNode node) {
		return new ResyncTarget(node, null);
	}

	/** Whether a key (with the key prefix, as stored) is this target's. */
	public boolean owns(byte[] key) {
		return this.slots == null || this.slots.get(ClusterTopology.slotOf(key));
	}

	@Override
	public BitSet slots() {
		return (this.slots != null) ? (BitSet) this.slots.clone() : null;
	}

}
