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
 * What is held is dropped once known to be a duplicate: everything read before a moment at
 * which the node answered {@code ROLE} with {@code slave} (a node only goes from replica to
 * master, so what it published before was replicated). The role is asked on each new
 * connection of the standby (Sentinel closes a replica's pub/sub connections as it promotes
 * it, so the reconnect finds the master at once) and on each topology refresh.
 * <p>
 * At most {@code capacity} notifications are held; when more arrive between two role checks
 * the oldest are dropped, and if the node is then promoted the time they span is reported as
 * a {@link GapCause#FAILOVER} gap. So is the time between losing the standby's connection and
 * subscribing again when the node turns out to be master on reconnecting.
 * <p>
 * Threading: messages, node events and the role asked on connect all come on the node's
 * reader thread, which alone owns what is held and the router's listener. A refresh thread
 * asks for a trim or the promotion through two volatiles; the reader acts on them at its next
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

	private volatile long duplicatesBefore = Long.MIN_VALUE; // System.nanoTime(); raised by role checks

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
	 * The node answered {@code ROLE} with {@code slave} to a command sent at {@code sentNanos}
	 * ({@link System#nanoTime()}): what it published before is a duplicate. Any thread.
	 */
	public void confirmedReplica(long sentNanos) {
		if (sentNanos > this.duplicatesBefore) {
			this.duplicatesBefore = sentNanos;
		}
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
		if (!this.promoted && this.promotionRequested) {
			promote();
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
		if (!this.promoted && this.promotionRequested) {
			promote();
		}
		if (this.promoted) {
			this.router.endOfBurst();
		}
	}

	@Override
	public void onRole(RedisNode node, boolean master) {
		if (master) {
			promote();
		}
		else {
			confirmedReplica(System.nanoTime());
			dropDuplicates();
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
