package io.keyspace.notifications.internal.dispatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.keyspace.notifications.DispatchSettings;
import io.keyspace.notifications.DropReason;
import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.HandlerObserver;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.NotificationErrorHandler;
import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.OverflowPolicy;
import io.keyspace.notifications.internal.gap.GapTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands notifications from reader threads to a fixed set of handler threads.
 * <p>
 * Each handler thread owns one bounded queue; a notification goes to the queue chosen by
 * its key's hash, so notifications for one key are handled in the order Redis sent them
 * while different keys are handled in parallel. No thread is started per message. A reader
 * collects what it reads into a {@link Batch} and hands it over when its socket buffer is
 * drained, so a burst costs one lock and one wake-up per batch, not per message. When a
 * queue is full the {@link io.keyspace.notifications.OverflowPolicy} decides, and every dropped notification is
 * counted and reported.
 * <p>
 * Every notification handed over in a batch is in flight until it is delivered or dropped,
 * and {@link #close()} settles all of them before it returns (see {@link DispatchLane}).
 */
public final class Dispatcher implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Dispatcher.class);

	// How long close() waits for interrupted handler threads before it gives up on them.
	private static final long INTERRUPT_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final long INLINE_LIMIT_NANOS = DispatchSettings.INLINE_LIMIT.toNanos();

	// A burst this small may be handled on the reader: one of a quiet stream's, not a flood.
	private static final int INLINE_BURST = 32;

	private final DispatchSettings settings;

	private final NotificationErrorHandler errorHandler;

	private final NotificationCounters counters;

	private final DispatchLane[] lanes;

	private final int laneCapacity;

	private final Thread[] threads;

	private final ThrottledLog dropReport;

	private final GapTracker gaps;

	private final HandlerObserver observer;

	private final boolean observing;

	private volatile boolean accepting = true;

	public Dispatcher(DispatchSettings settings, ThreadFactory threadFactory, NotificationErrorHandler errorHandler,
			NotificationCounters counters, GapTracker gaps, HandlerObserver observer) {
		this.settings = settings;
		this.gaps = gaps;
		this.observer = observer;
		this.observing = observer != HandlerObserver.NONE;
		this.errorHandler = errorHandler;
		this.counters = counters;
		this.dropReport = new ThrottledLog(10, TimeUnit.SECONDS, (count) -> logger.warn(
				"Dropped {} keyspace notification(s) because handlers are slower than Redis (queue capacity {}, "
						+ "overflow {}). Speed up the handlers or raise keyspace-notifications.dispatch.concurrency "
						+ "or queue-capacity.", count, settings.queueCapacity(), settings.overflow()));
		this.lanes = new DispatchLane[settings.concurrency()];
		this.threads = new Thread[settings.concurrency()];
		this.laneCapacity = Math.max(1, settings.queueCapacity() / settings.concurrency());
		for (int i = 0; i < this.lanes.length; i++) {
			this.lanes[i] = new DispatchLane(this.laneCapacity);
		}
		counters.reportQueueDepthFrom(this::queued);
		for (int i = 0; i < this.lanes.length; i++) {
			DispatchLane lane = this.lanes[i];
			this.threads[i] = threadFactory.newThread(() -> handle(lane));
			this.threads[i].start();
		}
	}

	/** A batch for the reader thread of one node ({@code host:port}, named in overflow gaps); not thread-safe. */
	public Batch newBatch(String node) {
		return new Batch(node);
	}

	/**
	 * A checkpoint of the lanes: it has passed once every notification handed over before it
	 * was taken is settled (delivered to all its handlers, or dropped). What a reader still
	 * holds in its batch is not covered: it is handed over within the burst it was read in.
	 * Cheap to take and to ask (one lock per lane); nothing is added to the lanes.
	 */
	public BooleanSupplier checkpoint() {
		long[] marks = new long[this.lanes.length];
		for (int i = 0; i < marks.length; i++) {
			marks[i] = this.lanes[i].queuedSoFar();
		}
		return () -> {
			for (int i = 0; i < marks.length; i++) {
				if (this.lanes[i].settledThrough() < marks[i]) {
					return false;
				}
			}
			return true;
		};
	}

	/**
	 * Hands over notifications that were not read from Redis (a resync pass's), in order, to
	 * the given handlers. They take the same lanes as live ones, so that one key's are handled
	 * in the order they were queued, but never more than half a lane: this waits (on the
	 * caller's thread) while a lane is fuller, so that live notifications keep their room. They
	 * are counted like a reader's: received and in flight, then delivered or dropped.
	 * @param cancelled checked while waiting: stop waiting and return {@code false}
	 * @return whether all were queued; {@code false} if cancelled, closed, or a lane refused some
	 * (counted as dropped, since a live burst took the room)
	 */
	public boolean handOverPatiently(List<KeyNotification> notifications, KeyNotificationHandler[] handlers,
			BooleanSupplier cancelled) {
		List<List<Delivery>> byLane = new ArrayList<>();
		for (int i = 0; i < this.lanes.length; i++) {
			byLane.add(new ArrayList<>());
		}
		for (KeyNotification notification : notifications) {
			byLane.get(laneIndex(notification)).add(new Delivery(notification, handlers, 0));
		}
		int chunk = Math.max(1, this.laneCapacity / 4);
		for (int i = 0; i < this.lanes.length; i++) {
			List<Delivery> deliveries = byLane.get(i);
			for (int from = 0; from < deliveries.size(); from += chunk) {
				if (!awaitHalfEmpty(this.lanes[i], cancelled)) {
					return false;
				}
				List<Delivery> part = deliveries.subList(from, Math.min(deliveries.size(), from + chunk));
				this.counters.recordReceivedInFlight(part.size());
				DispatchLane.Rejected rejected = this.lanes[i].offerAll(part, OverflowPolicy.DROP_NEWEST, 0);
				if (rejected.overflow() > 0) {
					this.counters.recordDropped(DropReason.OVERFLOW, rejected.overflow());
				}
				if (rejected.shutdown() > 0) {
					this.counters.recordDropped(DropReason.SHUTDOWN, rejected.shutdown());
				}
				if (rejected.overflow() + rejected.shutdown() > 0) {
					return false;
				}
			}
		}
		return true;
	}

	private boolean awaitHalfEmpty(DispatchLane lane, BooleanSupplier cancelled) {
		while (lane.size() > this.laneCapacity / 2) {
			if (!this.accepting || cancelled.getAsBoolean()) {
				return false;
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
		return this.accepting;
	}

	/** Notifications waiting for a handler thread. */
	public int queued() {
		int total = 0;
		for (DispatchLane lane : this.lanes) {
			total += lane.size();
		}
		return total;
	}

	/**
	 * Stops accepting and lets queued and running handlers finish within the shutdown timeout.
	 * Then no further delivery starts: what was not handled is counted as dropped
	 * ({@link DropReason#SHUTDOWN}), threads still in a handler are interrupted and, if they do
	 * not end within a second, abandoned. Returns after at most the shutdown timeout plus that
	 * second; no handler call starts afterwards.
	 */
	@Override
	public synchronized void close() {
		if (!this.accepting) {
			return;
		}
		this.accepting = false;
		for (DispatchLane lane : this.lanes) {
			lane.drain();
		}
		long deadline = System.nanoTime() + this.settings.shutdownTimeout().toNanos();
		for (Thread thread : this.threads) {
			joinUntil(thread, deadline);
		}
		int queued = 0;
		int notStarted = 0;
		int running = 0;
		for (DispatchLane lane : this.lanes) {
			DispatchLane.Abandoned abandoned = lane.stop();
			queued += abandoned.queued();
			notStarted += abandoned.notStarted();
			running += abandoned.running() ? 1 : 0;
		}
		int dropped = queued + notStarted + running;
		if (dropped > 0) {
			this.counters.recordDropped(DropReason.SHUTDOWN, dropped);
			logger.warn("{} keyspace notification(s) were not handled within the shutdown timeout of {} ({} queued, "
					+ "{} taken by a handler thread but not started, {} interrupted in a handler)", dropped,
					this.settings.shutdownTimeout(), queued, notStarted, running);
		}
		interruptAndAbandonStuck();
	}

	private void interruptAndAbandonStuck() {
		for (Thread thread : this.threads) {
			if (thread.isAlive()) {
				thread.interrupt();
			}
		}
		long deadline = System.nanoTime() + INTERRUPT_GRACE_NANOS;
		for (Thread thread : this.threads) {
			joinUntil(thread, deadline);
			if (thread.isAlive()) {
				logger.warn("Handler thread {} is still in a keyspace notification handler after the shutdown timeout "
						+ "and an interrupt; abandoned (it will not start another notification)", thread.getName());
			}
		}
	}

	/** Same key, same lane: that is what keeps one key's notifications in order. */
	private int laneIndex(KeyNotification notification) {
		return (this.lanes.length == 1) ? 0 : (notification.keyHash() & Integer.MAX_VALUE) % this.lanes.length;
	}

	/** The loop of one handler thread; it ends when its lane is drained or stopped. */
	private void handle(DispatchLane lane) {
		Delivery[] taken = new Delivery[DispatchLane.MAX_TAKE];
		int count;
		while ((count = lane.take(taken)) >= 0) {
			for (int i = 0; i < count; i++) {
				Delivery delivery = taken[i];
				taken[i] = null;
				if (!lane.start(i)) {
					return; // stopped: close() counted this one and the rest
				}
				if (this.settings.inline()) {
					// Whether the lane's handlers are fast enough to be run inline, call by call.
					long start = System.nanoTime();
					deliver(delivery, lane, i);
					lane.callsTook(System.nanoTime() - start > INLINE_LIMIT_NANOS, 1);
				}
				else {
					deliver(delivery, lane, i);
				}
				if (!lane.finish(i)) {
					return; // stopped while running: close() counted it
				}
				this.counters.recordDelivered();
			}
		}
	}

	/** @param index the delivery in the lane thread's last take; -1 for one handled inline */
	private void deliver(Delivery delivery, DispatchLane lane, int index) {
		KeyNotificationHandler[] handlers = delivery.handlers();
		if (this.observing) {
			observe(delivery);
		}
		for (int h = 0; h < handlers.length; h++) {
			if (h > 0 && index >= 0 && !lane.isRunning(index)) {
				return; // stopped between two handlers: the others must not run after close()
			}
			try {
				if (this.observing) {
					this.observer.call(handlers[h], delivery.notification());
				}
				else {
					handlers[h].onNotification(delivery.notification());
				}
			}
			catch (Throwable ex) {
				this.counters.recordHandlerError();
				try {
					this.errorHandler.handleError(delivery.notification(), handlers[h], ex);
				}
				catch (Throwable errorHandlerFailure) {
					logger.error("The keyspace notification error handler failed", errorHandlerFailure);
				}
			}
		}
	}

	/**
	 * Handles one lane's share of a small burst on the calling reader thread if the lane lets
	 * it (see {@link DispatchLane#claimInline}), counted like deliveries handed over.
	 * @return whether they were handled
	 */
	private boolean handleInline(List<Delivery> deliveries, int laneIndex) {
		DispatchLane lane = this.lanes[laneIndex];
		if (!this.accepting || !lane.claimInline(deliveries.size())) {
			return false;
		}
		long start = System.nanoTime();
		this.counters.recordReceivedInFlight(deliveries.size());
		try {
			for (Delivery delivery : deliveries) {
				deliver(delivery, lane, -1);
				this.counters.recordDelivered();
			}
		}
		finally {
			lane.finishInline(System.nanoTime() - start > INLINE_LIMIT_NANOS * deliveries.size(), deliveries.size());
		}
		return true;
	}

	private static boolean mayBlock(List<Delivery> deliveries) {
		KeyNotificationHandler[] checked = null;
		for (Delivery delivery : deliveries) {
			if (delivery.handlers() == checked) {
				continue; // a subscription's deliveries share one array
			}
			checked = delivery.handlers();
			for (KeyNotificationHandler handler : checked) {
				if (handler.mayBlock()) {
					return true;
				}
			}
		}
		return false;
	}

	private void observe(Delivery delivery) {
		try {
			this.observer.beforeHandlers(delivery.notification(), System.nanoTime() - delivery.readNanos());
		}
		catch (RuntimeException ex) {
			logger.warn("The keyspace notification handler observer failed", ex);
		}
	}

	private static void joinUntil(Thread thread, long deadlineNanos) {
		long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
		try {
			thread.join(Math.max(remainingMillis, 1));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Notifications one reader has read but not yet handed over, sorted by lane. The reader
	 * calls {@link #flush()} whenever it has nothing more to read without waiting.
	 */
	public final class Batch {

		private final List<List<Delivery>> pending = new ArrayList<>();

		private final String node;

		private int size;

		// An overflow episode: from the first hand-over that dropped to the next one that did not.
		private Instant overflowStart;

		private long overflowDropped;

		private long burstNanos;


		private Batch(String node) {
			this.node = node;
			for (int i = 0; i < Dispatcher.this.lanes.length; i++) {
				this.pending.add(new ArrayList<>());
			}
		}

		/**
		 * Adds a notification for its handlers. It counts as received (and in flight) when the
		 * batch is handed over: one count per burst instead of two per message on the reader.
		 */
		public void add(KeyNotification notification, KeyNotificationHandler[] handlers) {
			if (this.size == 0 && Dispatcher.this.observing) {
				this.burstNanos = System.nanoTime(); // one clock read per burst, only when observed
			}
			this.pending.get(laneIndex(notification)).add(new Delivery(notification, handlers, this.burstNanos));
			this.size++;
		}

		public boolean isEmpty() {
			return this.size == 0;
		}

		/** Hands everything over to the handler threads. */
		public void flush() {
			if (this.size == 0) {
				// Nothing to drop: an overflow episode ends here too, so its gap is reported at the
				// reader's next frame (at the latest the health check's PONG), not only with the next message.
				trackOverflow(0);
				return;
			}
			if (this.size <= INLINE_BURST && Dispatcher.this.settings.inline()) {
				handleInline();
				if (this.size == 0) {
					trackOverflow(0);
					return;
				}
			}
			Dispatcher.this.counters.recordReceivedInFlight(this.size);
			long overflow = 0;
			for (int i = 0; i < this.pending.size(); i++) {
				List<Delivery> deliveries = this.pending.get(i);
				if (deliveries.isEmpty()) {
					continue;
				}
				DispatchLane.Rejected rejected = Dispatcher.this.accepting
						? Dispatcher.this.lanes[i].offerAll(deliveries, Dispatcher.this.settings.overflow(),
								Dispatcher.this.settings.blockTimeout().toNanos())
						: new DispatchLane.Rejected(0, deliveries.size());
				if (rejected.overflow() > 0) {
					Dispatcher.this.counters.recordDropped(DropReason.OVERFLOW, rejected.overflow());
					Dispatcher.this.dropReport.record(rejected.overflow());
					overflow += rejected.overflow();
				}
				if (rejected.shutdown() > 0) {
					Dispatcher.this.counters.recordDropped(DropReason.SHUTDOWN, rejected.shutdown());
				}
				deliveries.clear();
			}
			this.size = 0;
			trackOverflow(overflow);
		}

		/** Handles each lane's share of a small burst on this thread where its lane lets it. */
		private void handleInline() {
			for (int i = 0; i < this.pending.size(); i++) {
				List<Delivery> deliveries = this.pending.get(i);
				if (!deliveries.isEmpty() && !mayBlock(deliveries) && Dispatcher.this.handleInline(deliveries, i)) {
					this.size -= deliveries.size();
					deliveries.clear();
				}
			}
		}

		/** Reports an overflow episode as one gap once a hand-over drops nothing again. */
		private void trackOverflow(long dropped) {
			if (dropped > 0) {
				if (this.overflowStart == null) {
					this.overflowStart = Dispatcher.this.gaps.now();
				}
				this.overflowDropped += dropped;
			}
			else if (this.overflowStart != null) {
				Dispatcher.this.gaps.report(new NotificationGap(this.node, GapCause.OVERFLOW, this.overflowStart,
						Dispatcher.this.gaps.now(), Set.of(), this.overflowDropped));
				this.overflowStart = null;
				this.overflowDropped = 0;
			}
		}

	}

}
