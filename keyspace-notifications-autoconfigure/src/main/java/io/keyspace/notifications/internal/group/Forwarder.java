package io.keyspace.notifications.internal.group;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.GroupSettings;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.internal.group.StreamWriter.Forward;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Copies the notifications of the sources this instance holds the lease for into their group
 * streams. Every instance subscribes and calls this for every notification; only the lease
 * holder of a source forwards it, the others keep it briefly ({@link ReplayBuffer}) so that
 * whoever takes over forwards what the previous forwarder did not ({@link TakeoverReplay}).
 * Every source the notifications read is leased, busy or not, so that how far it was
 * forwarded is always known and a window nobody watched is reported as a gap.
 * <p>
 * Threading: {@link #onNotification} runs on handler lanes, several at once; each source's
 * state is guarded by its own monitor, held for memory only. One forwarding thread writes
 * the streams and keeps the leases; it alone touches the batch and the backlog. A full queue
 * blocks the lanes, so the dispatcher's overflow policy decides what happens when Redis
 * cannot keep up.
 */
public final class Forwarder implements KeyNotificationHandler, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Forwarder.class);

	private static final int QUEUE_CAPACITY = 65_536;

	private final String group;

	private final GroupKeys keys;

	private final GroupSettings settings;

	private final Function<String, String> tagOfNode;

	private final Supplier<Collection<String>> nodesRead;

	private final BooleanSupplier lanesEmpty;

	private final Set<String> channels;

	private final Consumer<NotificationGap> gaps;

	private final GroupCounters counters;

	private final ForwardLease lease;

	private final StreamWriter writer;

	private final TakeoverReplay replay;

	private final UnifiedJedis redis;

	private final long tickMillis;

	private final Map<String, Source> sourcesByTag = new ConcurrentHashMap<>();

	private final Map<String, Source> sourcesByNode = new ConcurrentHashMap<>();

	private final BlockingQueue<Forward> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);

	private final List<Forward> backlog = new ArrayList<>(); // replays of takeovers; forwarding thread only

	private final Thread thread;

	private volatile long listeningSince = Long.MAX_VALUE; // epoch ms; set once subscribed


	private volatile boolean closed;

	/**
	 * @param tagOfNode the hash tag of a source node's keys: its shard's, or one for all
	 * @param nodesRead the nodes the notifications read now, as {@code host:port}
	 * @param lanesEmpty whether no notification read waits in the dispatch lanes: only then can
	 * this forwarder say it forwarded everything read until now
	 * @param channels the names of the channels forwarded, for gap reports
	 * @param gaps where windows nobody forwarded are reported
	 */
	public Forwarder(String group, UnifiedJedis redis, GroupKeys keys, GroupSettings settings,
			Function<String, String> tagOfNode, Supplier<Collection<String>> nodesRead, BooleanSupplier lanesEmpty,
			Set<String> channels, Consumer<NotificationGap> gaps, GroupCounters counters) {
		this.group = group;
		this.redis = redis;
		this.keys = keys;
		this.settings = settings;
		this.tagOfNode = tagOfNode;
		this.nodesRead = nodesRead;
		this.lanesEmpty = lanesEmpty;
		this.channels = Set.copyOf(channels);
		this.gaps = gaps;
		this.counters = counters;
		this.lease = new ForwardLease(redis, keys, settings.consumerName(), settings.leaseTime().toMillis());
		this.writer = new StreamWriter(redis, keys, settings.maxLength());
		this.replay = new TakeoverReplay(redis);
		this.tickMillis = Math.max(100, settings.leaseTime().toMillis() / 3);
		this.thread = new Thread(this::run, "keyspace-group-forwarder-" + group);
		this.thread.setDaemon(true);
	}

	public void start() {
		this.thread.start();
	}

	/**
	 * The notifications are subscribed: from now on this instance sees every notification a
	 * forwarder would, so a takeover can replay back to here.
	 */
	public void listening() {
		this.listeningSince = System.currentTimeMillis();
	}

	@Override
	public void onNotification(KeyNotification notification) {
		if (notification.keyStartsWith(this.settings.streamKeyPrefix())) {
			return; // the groups' own streams and leases: forwarding their events would feed itself
		}
		Source source = sourceOf((notification.node() != null) ? notification.node() : "");
		synchronized (source) {
			if (!source.leading) {
				source.replay.add(notification, System.currentTimeMillis());
				this.counters.notForwarded.increment();
				return;
			}
		}
		try {
			this.queue.put(new Forward(source.tag, notification));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt(); // shutting down: whoever takes over replays
		}
	}

	/** Gives up every lease after forwarding what is queued, so another instance takes over at once. */
	@Override
	public void close() {
		this.closed = true;
		this.thread.interrupt();
		try {
			this.thread.join(this.settings.leaseTime().toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public String toString() {
		return "Forwarder[" + this.group + "]";
	}

	/** The source of a node; its tag is worked out once per node (a cluster's needs the topology). */
	private Source sourceOf(String node) {
		return this.sourcesByNode.computeIfAbsent(node, (n) -> this.sourcesByTag
			.computeIfAbsent(this.tagOfNode.apply(n), (tag) -> new Source(tag, n,
					(int) Math.min(QUEUE_CAPACITY, this.settings.maxLength()))));
	}

	private void run() {
		long nextTick = 0;
		boolean failing = false;
		List<Forward> batch = new ArrayList<>(this.settings.batchSize());
		while (!this.closed) {
			try {
				if (System.currentTimeMillis() >= nextTick) {
					tickLeases(batch.isEmpty());
					nextTick = System.currentTimeMillis() + this.tickMillis;
				}
				if (batch.isEmpty() && !fill(batch)) {
					continue;
				}
				this.counters.forwarded.add(this.writer.write(batch));
				if (failing) {
					failing = false;
					logger.info("Forwarding keyspace notifications of group '{}' works again", this.group);
				}
			}
			catch (InterruptedException ex) {
				break;
			}
			catch (RuntimeException ex) {
				// Redis unreachable or a node moved: keep the batch and retry; leases may lapse
				// meanwhile, and whoever takes over replays. One WARN per outage.
				if (!failing) {
					failing = true;
					logger.warn("Cannot forward keyspace notifications of group '{}' ({}); retrying", this.group,
							ex.getMessage());
				}
				if (!pause()) {
					break;
				}
			}
		}
		shutDown(batch);
	}

	/** The backlog of a takeover first, then the queue. @return whether there is anything to write */
	private boolean fill(List<Forward> batch) throws InterruptedException {
		if (!this.backlog.isEmpty()) {
			List<Forward> next = this.backlog.subList(0, Math.min(this.backlog.size(), this.settings.batchSize()));
			batch.addAll(next);
			next.clear();
			return true;
		}
		Forward first = this.queue.poll(this.tickMillis, TimeUnit.MILLISECONDS);
		if (first == null) {
			return false;
		}
		batch.add(first);
		this.queue.drainTo(batch, this.settings.batchSize() - 1);
		return true;
	}

	private void shutDown(List<Forward> batch) {
		try {
			batch.addAll(this.backlog);
			this.queue.drainTo(batch);
			if (!batch.isEmpty()) {
				this.counters.forwarded.add(this.writer.write(batch));
			}
			boolean drained = drained(batch.isEmpty());
			long now = System.currentTimeMillis();
			for (Source source : this.sourcesByTag.values()) {
				if (source.isLeading()) {
					this.lease.release(source.tag, drained ? now : source.forwardedUntil);
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not hand over forwarding of group '{}' cleanly ({}); the leases lapse after {}",
					this.group, ex.getMessage(), this.settings.leaseTime());
		}
	}

	private boolean pause() {
		try {
			Thread.sleep(this.tickMillis);
			return true;
		}
		catch (InterruptedException ex) {
			return false;
		}
	}

	/**
	 * Whether everything read was written: nothing waits in the dispatch lanes, the queue,
	 * the backlog or the batch. Only then does a source's "forwarded until" move on to now,
	 * so a forwarder that falls behind stops claiming progress, and whoever takes over after
	 * it dies replays (or reports as a gap) from there.
	 * @param batchWritten whether the forwarding thread's batch is empty
	 */
	private boolean drained(boolean batchWritten) {
		return batchWritten && this.backlog.isEmpty() && this.queue.isEmpty() && this.lanesEmpty.getAsBoolean();
	}

	/** Renews the leases held, tries to take the others, and forgets what surely was forwarded. */
	private void tickLeases(boolean batchWritten) {
		if (this.listeningSince == Long.MAX_VALUE) {
			return; // not subscribed yet: it would forward nothing
		}
		this.nodesRead.get().forEach(this::sourceOf);
		long now = System.currentTimeMillis();
		boolean drained = drained(batchWritten);
		for (Source source : this.sourcesByTag.values()) {
			if (source.isLeading()) {
				if (drained) {
					source.forwardedUntil = now;
				}
				if (!this.lease.renew(source.tag, source.forwardedUntil)) {
					logger.warn("Lost the lease to forward {} for group '{}' (it lapsed); another instance forwards it",
							source.node, this.group);
					source.setLeading(false);
				}
				continue;
			}
			ForwardLease.Attempt attempt = this.lease.acquire(source.tag);
			if (attempt.taken()) {
				takeOver(source, attempt.forwardedUntil(), now);
			}
			else {
				// What the forwarder surely wrote is no longer needed for a takeover; a forwarder
				// that falls behind does not move its note, so this keeps more (up to the
				// buffer's capacity: what it drops beyond makes a reported gap).
				synchronized (source) {
					source.replay.forgetBefore(TakeoverReplay.keptSince(attempt.forwardedUntil()));
				}
			}
		}
	}

	/**
	 * Queues what the previous forwarder did not write ahead of everything new, and reports
	 * the window nobody watched, if any.
	 */
	private void takeOver(Source source, long previousUntil, long now) {
		String stream = this.keys.stream(source.tag);
		this.redis.sadd(this.keys.registry(), stream);
		NotificationGap gap = null;
		List<ReplayBuffer.Read> kept;
		synchronized (source) {
			// Covered from when this instance listened (or from what the full buffer dropped).
			long coveredFrom = Math.max(this.listeningSince, source.replay.lostUntil());
			// Unwatched since the previous forwarder's note; for the source's first forwarder,
			// what its full buffer dropped before it took the lease.
			long uncoveredFrom = (previousUntil > 0) ? previousUntil : this.listeningSince;
			if (coveredFrom > uncoveredFrom) {
				gap = new NotificationGap(source.node, GapCause.NO_FORWARDER, Instant.ofEpochMilli(uncoveredFrom),
						Instant.ofEpochMilli(Math.min(coveredFrom, now)), this.channels, 0);
			}
			kept = source.replay.takeSince(TakeoverReplay.keptSince(previousUntil));
			// Surely forwarded so far: what the previous forwarder noted, or (the source's first
			// forwarder) nothing before this instance listened; it moves on once all is written.
			source.forwardedUntil = (previousUntil > 0) ? previousUntil : this.listeningSince;
			source.leading = true;
		}
		List<KeyNotification> missed = this.replay.notYetIn(stream, previousUntil, kept);
		missed.forEach((notification) -> this.backlog.add(new Forward(source.tag, notification)));
		logger.info("Forwarding {} into {} for group '{}' ({} kept, {} not yet in the stream)", source.node, stream,
				this.group, kept.size(), missed.size());
		if (gap != null) {
			logger.warn("No instance forwarded {} for group '{}' from {} to {}: notifications of that window are lost "
					+ "for the group", gap.node(), this.group, gap.start(), gap.end());
			this.gaps.accept(gap);
		}
	}

	/** One source's state; guarded by its monitor. */
	private static final class Source {

		final String tag;

		final String node;

		final ReplayBuffer replay;

		boolean leading;

		long forwardedUntil; // epoch ms; the forwarding thread's own

		Source(String tag, String node, int replayCapacity) {
			this.tag = tag;
			this.node = node;
			this.replay = new ReplayBuffer(replayCapacity);
		}

		synchronized boolean isLeading() {
			return this.leading;
		}

		synchronized void setLeading(boolean leading) {
			this.leading = leading;
		}

	}

}
