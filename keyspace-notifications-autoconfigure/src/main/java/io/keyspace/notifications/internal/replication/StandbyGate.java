package io.keyspace.notifications.internal.replication;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.internal.reader.MessageListener;
import io.keyspace.notifications.internal.reader.NodeListener;
import io.keyspace.notifications.internal.reader.RoleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Between the reader of a replica subscribed ahead of a promotion (a standby) and the
 * notifications' router. A replica publishes the events of the writes it replicates, which
 * the master's reader delivers already, so a standby holds what it reads instead of
 * delivering it; once the node is the master, it hands on what it holds that may be the new
 * master's own and delivers from then on, like any node read. That is at-least-once: what was
 * replicated shortly before the promotion can come twice.
 * <p>
 * The node's {@code INFO replication} is looked at on each new connection of the standby
 * (Sentinel closes a replica's pub/sub connections as it promotes it, so the reconnect finds
 * the master at once) and on each topology refresh. A replica whose replication id is the one
 * seen last has been a replica all along: what it published before the question is a
 * duplicate and is dropped. One whose id changed may have been master in between (promoted
 * and demoted again between two looks): what it held from before the question is handed on.
 * <p>
 * At most {@code capacity} notifications are held; when more arrive between two looks the
 * oldest are dropped, and should they be handed on, the time they span is reported as a
 * {@link GapCause#FAILOVER} gap. So is the time between losing the standby's connection and
 * subscribing again when the node turns out to be master on reconnecting.
 * <p>
 * Threading: messages, node events and the look on connect come on the node's reader
 * thread, which alone owns what is held and the router's listener. A refresh thread asks for
 * a drop, a hand-on or the promotion through volatiles; the reader acts on them at its next
 * message or end of burst (the caller wakes it with a PING).
 */
public final class StandbyGate implements MessageListener, NodeListener, RoleListener {

	private static final Logger logger = LoggerFactory.getLogger(StandbyGate.class);

	private final RedisNode node;

	private final MessageListener router;

	private final NodeListener nodeEvents;

	private final Consumer<NotificationGap> gaps;

	private final Supplier<Set<String>> channels;

	private final int capacity;

	private final ArrayDeque<Held> held = new ArrayDeque<>(); // reader thread only

	private volatile boolean promoted;

	private volatile boolean promotionRequested;

	// System.nanoTime() of the looks: what was read before is a duplicate, or is handed on.
	private volatile long duplicatesBefore = Long.MIN_VALUE;

	private volatile long handOnBefore = Long.MIN_VALUE;

	private String lastReplicationId; // guarded by this

	// Reader thread only.
	private boolean dropped; // held notifications that were not known duplicates were dropped

	private long droppedFrom;

	private long droppedUntil;

	private Instant lostAt; // the standby's connection broke, not yet known whether while master

	/**
	 * @param router the router's listener for this node, given what is delivered
	 * @param nodeEvents the notifications' node events, told everything once promoted (and
	 * connections always, for the server-config check and the refresh they trigger)
	 * @param gaps where the gaps of a promotion are reported
	 * @param channels the channel names this standby carries, for a gap report
	 * @param capacity at most this many notifications are held
	 */
	public StandbyGate(RedisNode node, MessageListener router, NodeListener nodeEvents, Consumer<NotificationGap> gaps,
			Supplier<Set<String>> channels, int capacity) {
		this.node = node;
		this.router = router;
		this.nodeEvents = nodeEvents;
		this.gaps = gaps;
		this.channels = channels;
		this.capacity = capacity;
	}

	/** Whether the node is delivering as a master. */
	public boolean isPromoted() {
		return this.promoted;
	}

	/**
	 * A look at {@code INFO replication} sent at {@code sentNanos} ({@link System#nanoTime()})
	 * found the node a replica. Any thread.
	 */
	public synchronized void replicaAt(long sentNanos, String replicationId) {
		boolean sameHistory = replicationId != null
				&& (this.lastReplicationId == null || this.lastReplicationId.equals(replicationId));
		this.lastReplicationId = replicationId;
		if (sameHistory) {
			this.duplicatesBefore = Math.max(this.duplicatesBefore, sentNanos);
		}
		else {
			this.handOnBefore = Math.max(this.handOnBefore, sentNanos);
		}
	}

	/** Whether a look is due on the reader thread: a hand-on or a promotion. */
	public boolean needsReader() {
		return this.promotionRequested || this.handOnBefore != Long.MIN_VALUE;
	}

	/** When the node was last known to be a replica, on the wall clock. */
	private Instant lastKnownReplica() {
		long before = this.duplicatesBefore;
		return (before == Long.MIN_VALUE) ? Instant.MIN : Instant.now().minusNanos(System.nanoTime() - before);
	}

	/**
	 * The node is the master now (found by a refresh): deliver from it. Any thread; the reader
	 * acts at its next message or end of burst.
	 */
	public void requestPromotion() {
		this.promotionRequested = true;
	}

	@Override
	public void onMessage(String nodeName, byte[] pattern, byte[] channel, byte[] message) {
		if (!this.promoted) {
			actOnLooks();
		}
		if (this.promoted) {
			this.router.onMessage(nodeName, pattern, channel, message);
		}
		else {
			hold(new Held(System.nanoTime(), nodeName, pattern, channel, message));
		}
	}

	@Override
	public void endOfBurst() {
		if (!this.promoted) {
			actOnLooks();
		}
		if (this.promoted) {
			this.router.endOfBurst();
		}
	}

	@Override
	public void onReplicationInfo(RedisNode node, String replicationInfo) {
		ReplicationState state = ReplicationState.parse(replicationInfo);
		if (state.master()) {
			promote();
		}
		else {
			replicaAt(System.nanoTime(), state.replicationId());
			actOnLooks();
			this.lostAt = null; // a replica's outage missed duplicates only
		}
	}

	@Override
	public void onConnected(RedisNode node, boolean reconnect) {
		this.nodeEvents.onConnected(node, reconnect);
	}

	@Override
	public void onDisconnected(RedisNode node, Exception cause, boolean wasConnected, Instant lastHeard) {
		if (this.promoted) {
			this.nodeEvents.onDisconnected(node, cause, wasConnected, lastHeard);
		}
		else if (wasConnected) {
			// Should the node turn out to be master, its own writes began after both.
			Instant replica = lastKnownReplica();
			this.lostAt = lastHeard.isAfter(replica) ? lastHeard : replica;
		}
	}

	@Override
	public void onSubscriptionsConfirmed(RedisNode node) {
		if (!this.promoted) {
			return;
		}
		if (this.lostAt != null) {
			report(this.lostAt, Instant.now());
			this.lostAt = null;
		}
		this.nodeEvents.onSubscriptionsConfirmed(node);
	}

	private void hold(Held notification) {
		dropDuplicates();
		if (this.held.size() == this.capacity) {
			Held oldest = this.held.poll();
			if (!this.dropped) {
				this.dropped = true;
				this.droppedFrom = oldest.nanos();
			}
			this.droppedUntil = oldest.nanos();
		}
		this.held.add(notification);
	}

	/** Reader thread: the promotion, or what the looks found about what is held. */
	private void actOnLooks() {
		if (this.promotionRequested) {
			promote();
			return;
		}
		long handOn = this.handOnBefore;
		if (handOn != Long.MIN_VALUE) {
			this.handOnBefore = Long.MIN_VALUE;
			handOnHeld(handOn);
		}
		dropDuplicates();
	}

	/** What was read before a look that found the history changed: it may be a master's own. */
	private void handOnHeld(long before) {
		int handed = 0;
		while (!this.held.isEmpty() && this.held.peek().nanos() < before) {
			Held notification = this.held.poll();
			this.router.onMessage(notification.nodeName(), notification.pattern(), notification.channel(),
					notification.message());
			handed++;
		}
		if (handed > 0) {
			this.router.endOfBurst();
			logger.info("Redis replica {} changed its replication history (it may have been master meanwhile): handed on "
					+ "{} keyspace notification(s) it published", this.node, handed);
		}
		reportDropped();
	}

	private void dropDuplicates() {
		long before = this.duplicatesBefore;
		while (!this.held.isEmpty() && this.held.peek().nanos() < before) {
			this.held.poll();
		}
		if (this.dropped && this.droppedUntil < before) {
			this.dropped = false; // what was dropped turned out to be duplicates
		}
	}

	/** Hands on what may be the new master's own, in the order read, then delivers. */
	private void promote() {
		dropDuplicates();
		logger.info("Redis replica {} is the master now: delivering its keyspace notifications, {} of them held "
				+ "since it was last known to be a replica", this.node, this.held.size());
		for (Held notification : this.held) {
			this.router.onMessage(notification.nodeName(), notification.pattern(), notification.channel(),
					notification.message());
		}
		this.held.clear();
		this.router.endOfBurst();
		this.promoted = true;
		reportDropped();
	}

	/** Held notifications that were not known duplicates were dropped for room: a gap. */
	private void reportDropped() {
		if (this.dropped) {
			long now = System.nanoTime();
			Instant wall = Instant.now();
			report(wall.minusNanos(now - this.droppedFrom), wall.minusNanos(now - this.droppedUntil));
			this.dropped = false;
		}
	}

	private void report(Instant start, Instant end) {
		this.gaps.accept(new NotificationGap(this.node.toString(), GapCause.FAILOVER, start,
				end.isBefore(start) ? start : end, this.channels.get(), 0));
	}

	/** One notification read while standing by, with when ({@link System#nanoTime()}). */
	private record Held(long nanos, String nodeName, byte[] pattern, byte[] channel, byte[] message) {
	}

}
