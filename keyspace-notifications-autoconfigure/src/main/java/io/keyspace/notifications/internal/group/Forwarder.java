package io.keyspace.notifications.internal.group;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.GroupSettings;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.NotificationGap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the notifications of the sources this instance holds the lease for into their group
 * streams. Every instance subscribes and calls this for every notification; only the lease
 * holder of a source forwards it, the others keep it briefly ({@link ReplayBuffer}) so that
 * whoever takes over forwards what the previous forwarder did not ({@link TakeoverReplay}).
 * Every source the notifications read is leased, busy or not, so that how far it was
 * forwarded is always known and a window nobody watched is reported as a gap.
 * <p>
 * How far a source was surely forwarded (the note its lease carries) moves on by
 * checkpoints of the handler lanes ({@link ForwardProgress}). A forwarder that falls behind
 * stops claiming progress, so whoever takes over after it dies replays from its last
 * checkpoint.
 * <p>
 * Threading: {@link #onNotification} runs on handler lanes, several at once; each source's
 * state is guarded by its own monitor, held for memory only. One forwarding thread
 * ({@code keyspace-group-<group>-forwarder}) writes the streams and keeps the leases; it alone
 * touches the batch, the backlog and the checkpoint. A full queue makes the lanes wait, so the
 * dispatcher's overflow policy decides what happens when Redis cannot keep up. A status
 * ({@link #nodesLed()}, {@link #lastForward()}) is read from any thread, without waiting.
 */
public final class Forwarder implements KeyNotificationHandler, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Forwarder.class);

	private static final int QUEUE_CAPACITY = 65_536;

	// An append writes what arrived since the last one, up to this many (or batch-size, if
	// larger): under a backlog a round trip carries many entries, while the script holds the
	// server for about a millisecond and a half at most.
	private static final int APPEND_LIMIT = 1_000;

	// How long a batch that is not full waits for more after its first notification: a script
	// call costs the server about 10 µs besides 1.5 µs per entry, and at a moderate rate this
	// makes batches (and so the consumers' reads) several times larger, for a millisecond of
	// latency (docs/performance.md).
	private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private static final long NOT_LISTENING = Long.MAX_VALUE;

	private final String group;

	private final GroupKeys keys;

	private final GroupSettings settings;

	private final ForwardedNotifications notifications;

	private final Set<String> channels;

	private final Consumer<NotificationGap> gaps;

	private final GroupCounters counters;

	private final GroupRedis redis;

	private final StreamRecovery recovery;

	private final TakeoverReplay replay;

	private final Clock clock;

	private final long tickMillis;

	private final int appendLimit;

	private final Map<String, ForwardedSource> sourcesByTag = new ConcurrentHashMap<>();

	private final Map<String, ForwardedSource> sourcesByNode = new ConcurrentHashMap<>();

	private final BlockingQueue<Forward> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);

	private final Thread thread;

	// The forwarding thread's own: what it writes next, replays of takeovers, how far it wrote.
	private final List<Forward> batch = new ArrayList<>();

	private final List<Forward> backlog = new ArrayList<>();

	private final ForwardProgress progress;

	private volatile long listeningSince = NOT_LISTENING; // epoch ms; set once subscribed

	private volatile long lastForward; // epoch ms of the last append that wrote, 0 if none; forwarding thread

	private volatile boolean closed;

	/**
	 * @param notifications what is known of the notifications forwarded
	 * @param channels the names of the channels forwarded, for gap reports
	 * @param gaps where windows nobody forwarded are reported
	 */
	Forwarder(String group, GroupRedis redis, GroupKeys keys, GroupSettings settings, Clock clock,
			ForwardedNotifications notifications, StreamRecovery recovery, Set<String> channels,
			Consumer<NotificationGap> gaps, GroupCounters counters) {
		this.group = group;
		this.redis = redis;
		this.keys = keys;
		this.settings = settings;
		this.clock = clock;
		this.notifications = notifications;
		this.recovery = recovery;
		this.channels = Set.copyOf(channels);
		this.gaps = gaps;
		this.counters = counters;
		this.replay = new TakeoverReplay(redis);
		this.progress = new ForwardProgress(notifications::laneCheckpoint);
		this.tickMillis = Math.max(100, settings.leaseTime().toMillis() / 3);
		this.appendLimit = Math.max(settings.batchSize(), APPEND_LIMIT);
		this.thread = new Thread(this::run, "keyspace-group-" + group + "-forwarder");
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	/**
	 * The notifications are subscribed: from now on this instance sees every notification a
	 * forwarder would, so a takeover can replay back to here.
	 */
	void listening() {
		this.listeningSince = this.clock.millis();
	}

	/** It waits while the stream cannot keep up: never on a reader thread. */
	@Override
	public boolean mayBlock() {
		return true;
	}

	@Override
	public void onNotification(KeyNotification notification) {
		if (notification.keyStartsWith(this.settings.streamKeyPrefix())) {
			return; // the groups' own streams and leases: forwarding their events would feed itself
		}
		ForwardedSource source = sourceOf((notification.node() != null) ? notification.node() : "");
		synchronized (source) {
			source.replay.add(notification, this.clock.millis());
			if (!source.leading) {
				this.counters.notForwarded.increment();
				return;
			}
		}
		Forward forward = new Forward(source.tag, notification);
		try {
			while (!this.queue.offer(forward, this.tickMillis, TimeUnit.MILLISECONDS)) {
				if (this.closed) {
					this.counters.notForwarded.increment(); // read after the handover: the next forwarder replays it
					return;
				}
			}
			this.progress.queued();
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
	private ForwardedSource sourceOf(String node) {
		return this.sourcesByNode.computeIfAbsent(node, (n) -> this.sourcesByTag
			.computeIfAbsent(this.notifications.tagOf(n), (tag) -> new ForwardedSource(tag, n,
					(int) Math.min(QUEUE_CAPACITY, this.settings.maxLength()))));
	}

	private void run() {
		long nextTick = 0;
		OutageLog outage = new OutageLog(logger, "forward keyspace notifications of group '" + this.group + "'");
		while (!this.closed) {
			try {
				if (this.clock.millis() >= nextTick) {
					tick();
					nextTick = this.clock.millis() + this.tickMillis;
				}
				forwardOnce(this.tickMillis);
				advanceCheckpoint(this.clock.millis());
				outage.worked();
			}
			catch (InterruptedException ex) {
				break;
			}
			catch (RuntimeException ex) {
				// Redis unreachable or a node moved: keep the batch and retry; leases may lapse
				// meanwhile, and whoever takes over replays.
				outage.failed(ex);
				if (!pause()) {
					break;
				}
			}
		}
		shutDown();
	}

	/**
	 * Writes one batch: the backlog of a takeover first, else what is queued, waiting up to
	 * {@code waitMillis} for something to write and then a millisecond for more, unless the
	 * batch is full. A stream found missing was lost: it gets its group again and the batch is
	 * written on the next call.
	 * @throws RuntimeException the first refusal of another kind; the batch is kept
	 */
	void forwardOnce(long waitMillis) throws InterruptedException {
		if (this.batch.isEmpty() && !fill(waitMillis)) {
			return;
		}
		GroupRedis.Appended appended = append();
		for (String tag : appended.leasesNotHeld()) {
			ForwardedSource source = this.sourcesByTag.get(tag);
			if (source != null && source.isLeading()) {
				logger.warn("Lost the lease to forward {} for group '{}' (Redis forgot it, or it lapsed while this "
						+ "instance stalled); the instance holding it now forwards it", source.node, this.group);
				source.setLeading(false);
			}
		}
		for (String stream : appended.missingStreams()) {
			this.recovery.ensure(stream, nodeOf(stream));
		}
		for (String tag : appended.lostAppends()) {
			ForwardedSource source = this.sourcesByTag.get(tag);
			if (source != null) {
				// What is left of the batch for it is among what the source kept: written again, in order.
				this.batch.removeIf((forward) -> forward.tag().equals(tag));
				// Back to the oldest it kept: a renewal during the split may have noted what was lost.
				forwardAgain(source, Math.max(0, source.lastNote - this.settings.leaseTime().toMillis()),
						this.clock.millis());
			}
		}
		if (appended.refusal() != null) {
			throw appended.refusal();
		}
	}

	/** Appends the batch, counting what was written and dropped. */
	private GroupRedis.Appended append() {
		GroupRedis.Appended appended = this.redis.append(this.batch);
		this.counters.forwarded.add(appended.written());
		this.counters.notForwarded.add(appended.dropped());
		if (appended.written() > 0) {
			this.lastForward = this.clock.millis();
		}
		return appended;
	}

	/** @return whether there is anything to write */
	private boolean fill(long waitMillis) throws InterruptedException {
		if (!this.backlog.isEmpty()) {
			List<Forward> next = this.backlog.subList(0, Math.min(this.backlog.size(), this.appendLimit));
			this.batch.addAll(next);
			next.clear();
			return true;
		}
		Forward first = (waitMillis > 0) ? this.queue.poll(waitMillis, TimeUnit.MILLISECONDS) : this.queue.poll();
		if (first == null) {
			return false;
		}
		this.batch.add(first);
		int taken = 1 + this.queue.drainTo(this.batch, this.appendLimit - 1);
		this.progress.dequeued(taken);
		if (taken < this.appendLimit) {
			TimeUnit.NANOSECONDS.sleep(LINGER_NANOS);
			this.progress.dequeued(this.queue.drainTo(this.batch, this.appendLimit - taken));
		}
		return true;
	}

	private String nodeOf(String stream) {
		return this.sourcesByTag.values().stream()
			.filter((source) -> this.keys.stream(source.tag).equals(stream))
			.map((source) -> source.node)
			.findFirst()
			.orElse(stream);
	}

	/**
	 * Writes what is left, then hands each lease over with how far it surely forwarded: now,
	 * if the lanes passed a last checkpoint and everything was written (the notifications are
	 * unsubscribed by now, so the lanes only empty); else its last checkpoint.
	 */
	private void shutDown() {
		try {
			BooleanSupplier last = this.notifications.laneCheckpoint();
			long at = this.clock.millis();
			long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(this.tickMillis); // a real wait
			boolean drained;
			do {
				this.batch.addAll(this.backlog);
				this.backlog.clear();
				this.progress.dequeued(this.queue.drainTo(this.batch));
				if (!this.batch.isEmpty()) {
					append();
				}
				drained = last.getAsBoolean() && this.batch.isEmpty() && this.queue.isEmpty();
			}
			while (!drained && System.nanoTime() < deadline && pause(10));
			for (ForwardedSource source : this.sourcesByTag.values()) {
				if (source.isLeading()) {
					this.redis.releaseLease(source.tag, drained ? at : source.forwardedUntil);
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not hand over forwarding of group '{}' cleanly ({}); the leases lapse after {}",
					this.group, ex.getMessage(), this.settings.leaseTime());
		}
	}

	private boolean pause() {
		return pause(this.tickMillis);
	}

	private boolean pause(long millis) {
		try {
			Thread.sleep(millis);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** Renews the leases held, tries to take the others, and forgets what surely was forwarded. */
	void tick() {
		if (this.listeningSince == NOT_LISTENING) {
			return; // not subscribed yet: it would forward nothing
		}
		this.notifications.nodesRead().forEach(this::sourceOf);
		long now = this.clock.millis();
		advanceCheckpoint(now);
		for (ForwardedSource source : this.sourcesByTag.values()) {
			if (source.isLeading()) {
				source.lastNote = source.forwardedUntil;
				this.recovery.forwardedUntil(this.keys.stream(source.tag), source.lastNote);
				if (!this.redis.renewLease(source.tag, source.forwardedUntil)) {
					logger.warn("Lost the lease to forward {} for group '{}' (it lapsed); another instance forwards it",
							source.node, this.group);
					source.setLeading(false);
				}
				// Kept a lease time beyond the note, should Redis lose what was appended (forwardAgain).
				synchronized (source) {
					source.replay.forgetBefore(
							TakeoverReplay.keptSince(source.lastNote) - this.settings.leaseTime().toMillis());
				}
				continue;
			}
			GroupRedis.LeaseAttempt attempt = this.redis.acquireLease(source.tag);
			// A source without a note that was seen forwarded before lost its note in Redis (a
			// restart, a deletion): it is not "never forwarded". The last note seen stands, or,
			// if its forwarder had not noted anything yet, the earliest it can have started.
			boolean noteLost = attempt.forwardedUntil() == 0 && (source.lastNote > 0 || source.firstSeenHeld > 0);
			long previousUntil = attempt.forwardedUntil();
			if (noteLost) {
				previousUntil = (source.lastNote > 0) ? source.lastNote : source.firstSeenHeld;
			}
			source.lastNote = previousUntil;
			this.recovery.forwardedUntil(this.keys.stream(source.tag), previousUntil);
			if (source.firstSeenHeld == 0) {
				// Held by this one from now on; held by another since some time before this
				// instance first asked, which everything it kept covers.
				source.firstSeenHeld = attempt.taken() ? now : this.listeningSince;
			}
			if (attempt.taken()) {
				takeOver(source, previousUntil, noteLost, now);
			}
			else {
				// What the forwarder surely wrote is no longer needed for a takeover; a forwarder
				// that falls behind does not move its note, so this keeps more (up to the
				// buffer's capacity: what it drops beyond makes a reported gap).
				synchronized (source) {
					source.replay.forgetBefore(TakeoverReplay.keptSince(previousUntil));
				}
			}
		}
	}

	/** Moves each source held on to the last checkpoint that passed and was written. */
	private void advanceCheckpoint(long now) {
		long until = this.progress.advance(now, this.batch.isEmpty() && this.backlog.isEmpty());
		if (until > 0) {
			for (ForwardedSource source : this.sourcesByTag.values()) {
				if (source.isLeading()) {
					source.forwardedUntil = Math.max(source.forwardedUntil, until);
				}
			}
		}
	}

	/**
	 * Gives the stream its group before anything is written to it (or again, if Redis lost
	 * it), queues what the previous forwarder did not write ahead of everything new, and
	 * reports the window nobody watched, if any.
	 * @param noteLost Redis lost the previous forwarder's note (and with it the stream, which
	 * lives beside it): what this instance read before the node last stopped delivering came
	 * from the server before the loss, where the previous forwarder still forwarded it (or it
	 * is in the lost stream, reported), so it is not replayed; there is no stream to match it
	 * against
	 */
	private void takeOver(ForwardedSource source, long previousUntil, boolean noteLost, long now) {
		String stream = this.keys.stream(source.tag);
		this.recovery.ensure(stream, source.node);
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
			long keptSince = TakeoverReplay.keptSince(previousUntil);
			if (noteLost) {
				keptSince = Math.max(keptSince, this.notifications.lastInterruption(source.node));
			}
			kept = source.replay.takeSince(keptSince);
			// Surely forwarded so far: what the previous forwarder noted, or (the source's first
			// forwarder) nothing before this instance listened; it moves on by checkpoints.
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

	/**
	 * Redis lost entries this instance appended: the stream's newest entry is not the one it
	 * appended last (a failover to a replica that had not received them, e.g. entries appended
	 * to the old master after the replica's promotion; found at the next append). What it kept
	 * since {@code previousNote} (a lease time before its last note) and the stream lacks is
	 * written again, ahead of everything new, and the note goes back there until a checkpoint
	 * passes again. What it no longer kept
	 * is reported as a {@link GapCause#STREAM_LOST} gap.
	 */
	private void forwardAgain(ForwardedSource source, long previousNote, long now) {
		String stream = this.keys.stream(source.tag);
		List<ReplayBuffer.Read> kept;
		long lostUntil;
		synchronized (source) {
			kept = source.replay.since(TakeoverReplay.keptSince(previousNote));
			lostUntil = source.replay.lostUntil();
			source.forwardedUntil = previousNote;
		}
		source.lastNote = previousNote;
		// Nothing here may fail: the loss is known only now (the next append no longer sees it),
		// and what was left of the batch is among the reads kept. So no write to Redis, and when
		// the stream cannot be read to match against, everything kept goes again (duplicates).
		List<KeyNotification> missed;
		try {
			missed = this.replay.notYetIn(stream, previousNote, kept);
		}
		catch (RuntimeException ex) {
			long from = previousNote - TakeoverReplay.MARGIN_MILLIS;
			missed = kept.stream().filter((read) -> read.readMillis() >= from).map(ReplayBuffer.Read::notification).toList();
		}
		missed.forEach((notification) -> this.backlog.add(new Forward(source.tag, notification)));
		logger.warn("Redis lost entries group '{}' forwarded of {} (a failover to a replica that had not received them): "
				+ "writing again {} notification(s) read since {} that the stream lacks", this.group, source.node,
				missed.size(), Instant.ofEpochMilli(previousNote));
		if (lostUntil > TakeoverReplay.keptSince(previousNote)) {
			this.gaps.accept(new NotificationGap(source.node, GapCause.STREAM_LOST,
					Instant.ofEpochMilli(previousNote), Instant.ofEpochMilli(Math.min(lostUntil, now)), this.channels, 0));
		}
	}

	/**
	 * The nodes read now whose source this instance leads, sorted. From any thread: what the
	 * lanes and the forwarding thread last decided, without waiting for them.
	 */
	List<String> nodesLed() {
		return this.notifications.nodesRead().stream().filter((node) -> {
			ForwardedSource source = this.sourcesByNode.get(node);
			return source != null && source.isLeading();
		}).sorted().toList();
	}

	/** When this instance last appended to one of the group's streams, null if never; from any thread. */
	Instant lastForward() {
		long at = this.lastForward;
		return (at > 0) ? Instant.ofEpochMilli(at) : null;
	}

	/** How far each source is surely forwarded, as the leases note it; for tests. */
	Map<String, Long> forwardedUntil() {
		Map<String, Long> until = new TreeMap<>();
		this.sourcesByTag.values().stream().filter(ForwardedSource::isLeading)
			.forEach((source) -> until.put(source.tag, source.forwardedUntil));
		return until;
	}

}
