package io.keyspace.notifications.internal.gap;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.internal.cluster.ClusterRouting;
import io.keyspace.notifications.internal.cluster.ClusterTopology;

/**
 * What one cluster topology change interrupted. A lost node that the change closes was
 * replaced (FAILOVER when one of its replicas took its slots, else NODE_REMOVED): its open
 * gap ends once the successors are confirmed. Changes that no connection loss announced may
 * have missed events since the previous refresh: a primary demoted by a manual failover, and
 * a primary first seen already owning slots (slots moved to a node added since; exact-key
 * channels are on every primary, so a slot moving between known primaries misses nothing).
 */
public final class TopologyGaps {

	private final Map<RedisNode, Interrupted> followed = new LinkedHashMap<>();

	private TopologyGaps() {
	}

	/**
	 * Works out the gaps of a change before it is applied, marking the replaced nodes' open
	 * gaps in {@code tracker}.
	 * @param carried the channels each node carries before the change
	 * @param standbysPromoted new primaries that were subscribed ahead of their promotion: a
	 * failover to one of them missed nothing on it (what it may have missed, it reports itself)
	 */
	public static TopologyGaps of(ClusterRouting.Changes changes, ClusterTopology previous, ClusterTopology fresh,
			Map<RedisNode, Set<NotificationChannel>> carried, GapTracker tracker, Set<RedisNode> standbysPromoted) {
		TopologyGaps gaps = new TopologyGaps();
		for (RedisNode node : changes.close()) {
			Set<RedisNode> replicas = (previous != null) ? previous.replicasOf(node) : Set.of();
			boolean failover = replicas.stream().anyMatch(fresh.primaries()::contains);
			if (tracker.isOpen(node)) {
				tracker.nodeReplaced(node, failover ? GapCause.FAILOVER : GapCause.NODE_REMOVED);
			}
			else if (failover && replicas.stream().noneMatch(standbysPromoted::contains)) {
				gaps.followed.put(node, new Interrupted(GapCause.FAILOVER, names(carried.get(node))));
			}
		}
		changes.subscribe().forEach((node, added) -> {
			if (previous != null && arrivedOwningSlots(node, previous, fresh)) {
				gaps.followed.put(node, new Interrupted(GapCause.SLOT_MOVED, names(new LinkedHashSet<>(added))));
			}
		});
		return gaps;
	}

	/**
	 * A node unknown at the previous refresh that already owns slots: keys moved to it were
	 * written there before it was subscribed. (A replica promoted in a failover is known.)
	 */
	private static boolean arrivedOwningSlots(RedisNode node, ClusterTopology previous, ClusterTopology fresh) {
		return fresh.primaries().contains(node) && !previous.primaries().contains(node)
				&& !previous.replicas().contains(node);
	}

	/**
	 * The change is applied and confirmed: ends the gaps of nodes no longer read and reports
	 * the others found in the change, as missed since the previous refresh.
	 * @return the end of these gaps, the start of the next refresh's window
	 */
	public Instant reportConfirmed(GapTracker tracker, Set<RedisNode> stillReading, Instant previousRefresh) {
		Instant end = tracker.now();
		tracker.successorsConfirmed(stillReading);
		this.followed.forEach((node, gap) -> tracker.report(
				new NotificationGap(node.toString(), gap.cause(), previousRefresh, end, gap.channels(), 0)));
		return end;
	}

	/** Channel and pattern names, for a gap report. */
	public static Set<String> names(Set<NotificationChannel> channels) {
		Set<String> names = new LinkedHashSet<>();
		if (channels != null) {
			channels.forEach((channel) -> names.add(channel.toString()));
		}
		return names;
	}

	private record Interrupted(GapCause cause, Set<String> channels) {
	}

}
