package io.keyspace.notifications.internal.dispatch;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import ch.qos.logback.classic.Level;
import io.keyspace.notifications.DispatchSettings;
import io.keyspace.notifications.DropReason;
import io.keyspace.notifications.HandlerObserver;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.LogCapture;
import io.keyspace.notifications.NotificationErrorHandler;
import io.keyspace.notifications.NotificationOptions;
import io.keyspace.notifications.OverflowPolicy;
import io.keyspace.notifications.internal.gap.GapTracker;
import io.keyspace.notifications.listener.NamedHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DispatcherTest {

	private final NotificationCounters metrics = new NotificationCounters();

	private final GapTracker gaps = new GapTracker(Clock.systemUTC());

	private HandlerObserver observer = HandlerObserver.NONE;

	private final List<Throwable> errors = new CopyOnWriteArrayList<>();

	private final NotificationErrorHandler errorHandler = (notification, handler, error) -> this.errors.add(error);

	private final List<Thread> threads = new CopyOnWriteArrayList<>();

	private Dispatcher dispatcher;

	@AfterEach
	void close() {
		if (this.dispatcher != null) {
			this.dispatcher.close();
		}
	}

	@Test
	void notificationsForOneKeyAreHandledInOrderAndKeysSpreadOverThreads() {
		this.dispatcher = dispatcher(new DispatchSettings(4, 10_000, OverflowPolicy.BLOCK, Duration.ofSeconds(5),
				Duration.ofSeconds(5)));
		Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
		Set<String> threadNames = ConcurrentHashMap.newKeySet();
		KeyNotificationHandler handler = (n) -> {
			threadNames.add(Thread.currentThread().getName());
			seen.computeIfAbsent(n.key(), (k) -> new CopyOnWriteArrayList<>()).add(Integer.parseInt(n.event().substring(1)));
		};
		for (int i = 0; i < 2_000; i++) {
			dispatch(this.dispatcher, notification("key" + (i % 20), "e" + i), new KeyNotificationHandler[] { handler });
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.metrics.delivered() == 2_000);
		assertThat(seen).hasSize(20);
		seen.forEach((key, events) -> assertThat(events).as(key).isSorted().hasSize(100));
		assertThat(threadNames).hasSizeGreaterThan(1);
	}

	@Test
	void aBatchIsHandedOverOnFlushInOrder() {
		this.dispatcher = dispatcher(new DispatchSettings(2, 100, OverflowPolicy.BLOCK, Duration.ofSeconds(1),
				Duration.ofSeconds(5)));
		List<String> handled = new CopyOnWriteArrayList<>();
		KeyNotificationHandler[] handler = { (n) -> handled.add(n.key() + " " + n.event()) };
		Dispatcher.Batch batch = this.dispatcher.newBatch("127.0.0.1:6379");
		batch.add(notification("k", "set"), handler);
		batch.add(notification("k", "expire"), handler);
		batch.add(notification("k", "del"), handler);
		assertThat(batch.isEmpty()).isFalse();
		assertThat(this.dispatcher.queued()).isZero();
		assertThat(handled).isEmpty();
		batch.flush();
		assertThat(batch.isEmpty()).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 3);
		assertThat(handled).containsExactly("k set", "k expire", "k del");
	}

	@Test
	void anObserverSeesTheLagOncePerNotificationAndWrapsEveryHandlerCall() {
		List<Long> lags = new CopyOnWriteArrayList<>();
		List<String> calls = new CopyOnWriteArrayList<>();
		this.observer = new HandlerObserver() {
			@Override
			public void beforeHandlers(KeyNotification notification, long lagNanos) {
				lags.add(lagNanos);
			}

			@Override
			public void call(KeyNotificationHandler handler, KeyNotification notification) {
				calls.add("before " + handler);
				try {
					handler.onNotification(notification);
				}
				finally {
					calls.add("after " + handler);
				}
			}
		};
		this.dispatcher = dispatcher(new DispatchSettings(1, 100, OverflowPolicy.BLOCK, Duration.ofSeconds(1),
				Duration.ofSeconds(5)));
		KeyNotificationHandler ok = new NamedHandler("ok", (n) -> calls.add("ok " + n.key()));
		KeyNotificationHandler failing = new NamedHandler("failing", (n) -> {
			throw new IllegalStateException("boom");
		});
		Dispatcher.Batch batch = this.dispatcher.newBatch("127.0.0.1:6379");
		batch.add(notification("a", "set"), new KeyNotificationHandler[] { ok, failing });
		batch.flush();

		await().until(() -> this.metrics.delivered() == 1);
		assertThat(lags).singleElement().satisfies((lag) -> assertThat(lag).isNotNegative().isLessThan(5_000_000_000L));
		assertThat(calls).containsExactly("before ok", "ok a", "after ok", "before failing", "after failing");
		assertThat(this.metrics.handlerErrors()).isEqualTo(1);
	}

	@Test
	void aThrowingHandlerIsIsolatedAndTheNextNotificationIsDelivered() {
		this.dispatcher = dispatcher(new DispatchSettings(1, 100, OverflowPolicy.BLOCK, Duration.ofSeconds(1),
				Duration.ofSeconds(5)));
		List<String> handled = new CopyOnWriteArrayList<>();
		KeyNotificationHandler failing = (n) -> {
			throw new IllegalStateException("boom " + n.key());
		};
		KeyNotificationHandler recording = (n) -> handled.add(n.key());
		KeyNotificationHandler[] both = { failing, recording };
		dispatch(this.dispatcher, notification("a", "set"), both);
		dispatch(this.dispatcher, notification("b", "set"), both);
		await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 2);
		assertThat(handled).containsExactly("a", "b");
		assertThat(this.errors).extracting(Throwable::getMessage).containsExactly("boom a", "boom b");
		assertThat(this.metrics.handlerErrors()).isEqualTo(2);
	}

	@Test
	void dropNewestCountsWhatDoesNotFitAndNeverBlocks() throws InterruptedException {
		this.dispatcher = dispatcher(new DispatchSettings(1, 2, OverflowPolicy.DROP_NEWEST, Duration.ZERO,
				Duration.ofSeconds(5)));
		GatedHandler handler = new GatedHandler();
		handler.fill(this.dispatcher, 5);
		assertThat(this.metrics.dropped()).isEqualTo(3);
		handler.release.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> handler.handled.size() == 3);
		assertThat(handler.handled).containsExactly("e0", "e1", "e2");
	}

	@Test
	void dropOldestKeepsTheNewest() throws InterruptedException {
		this.dispatcher = dispatcher(new DispatchSettings(1, 2, OverflowPolicy.DROP_OLDEST, Duration.ZERO,
				Duration.ofSeconds(5)));
		GatedHandler handler = new GatedHandler();
		handler.fill(this.dispatcher, 5);
		handler.release.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> handler.handled.size() == 3);
		assertThat(handler.handled).containsExactly("e0", "e4", "e5");
		assertThat(this.metrics.dropped()).isEqualTo(3);
	}

	@Test
	void blockWaitsForRoomInsteadOfDropping() {
		this.dispatcher = dispatcher(new DispatchSettings(1, 1, OverflowPolicy.BLOCK, Duration.ofSeconds(10),
				Duration.ofSeconds(5)));
		List<String> handled = new CopyOnWriteArrayList<>();
		KeyNotificationHandler slowish = (n) -> {
			sleepQuietly(2);
			handled.add(n.event());
		};
		for (int i = 0; i < 50; i++) {
			dispatch(this.dispatcher, notification("k", "e" + i), new KeyNotificationHandler[] { slowish });
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 50);
		assertThat(this.metrics.dropped()).isZero();
	}

	@Test
	void blockStopsWaitingOnceAWaitTimedOutUntilTheQueueIsHalfEmpty() throws InterruptedException {
		this.dispatcher = dispatcher(new DispatchSettings(1, 4, OverflowPolicy.BLOCK, Duration.ofMillis(200),
				Duration.ofSeconds(5)));
		GatedHandler handler = new GatedHandler();
		handler.fill(this.dispatcher, 4);
		long start = System.nanoTime();
		for (int i = 5; i < 55; i++) {
			dispatch(this.dispatcher, notification("k", "e" + i), handler.asArray);
		}
		// One wait of 200 ms, then no more: 50 waits would take 10 s.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(this.metrics.dropped()).isEqualTo(50);
		handler.release.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> handler.handled.size() == 5);
		dispatch(this.dispatcher, notification("k", "after"), handler.asArray);
		await().atMost(Duration.ofSeconds(5)).until(() -> handler.handled.size() == 6);
		assertThat(handler.handled).containsExactly("e0", "e1", "e2", "e3", "e4", "after");
	}

	@Test
	void closeLetsRunningHandlersFinishAndLeavesNoThreadBehind() {
		this.dispatcher = dispatcher(new DispatchSettings(3, 100, OverflowPolicy.BLOCK, Duration.ofSeconds(1),
				Duration.ofSeconds(5)));
		List<String> handled = new CopyOnWriteArrayList<>();
		KeyNotificationHandler handler = (n) -> {
			sleepQuietly(50);
			handled.add(n.key());
		};
		for (int i = 0; i < 6; i++) {
			dispatch(this.dispatcher, notification("key" + i, "set"), new KeyNotificationHandler[] { handler });
		}
		this.dispatcher.close();
		assertThat(handled).hasSize(6);
		assertThat(this.threads).hasSize(3).noneMatch(Thread::isAlive);
		dispatch(this.dispatcher, notification("late", "set"), new KeyNotificationHandler[] { handler });
		assertThat(this.metrics.dropped()).isEqualTo(1);
	}

	@Test
	void aHandlerThatSwallowsInterruptsStartsNothingAfterCloseAndEveryNotificationIsCounted() {
		this.dispatcher = dispatcher(new DispatchSettings(2, 10_000, OverflowPolicy.BLOCK, Duration.ofSeconds(1),
				Duration.ofMillis(200)));
		AtomicInteger calls = new AtomicInteger();
		KeyNotificationHandler stubborn = (n) -> {
			calls.incrementAndGet();
			sleepSwallowingInterrupts(5);
		};
		int dispatched = 2_000;
		try (LogCapture log = new LogCapture(Dispatcher.class, Level.WARN)) {
			dispatchMany(dispatched, stubborn);
			long start = System.nanoTime();
			this.dispatcher.close();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
			assertSettled(dispatched);
			assertThat(this.metrics.dropped(DropReason.SHUTDOWN)).isPositive();
			assertThat(log.messages(Level.WARN)).anySatisfy((message) -> assertThat(message)
				.startsWith(this.metrics.dropped(DropReason.SHUTDOWN) + " keyspace notification(s) were not handled"));
		}
		int callsAtClose = calls.get();
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> calls.get() == callsAtClose);
		assertThat(this.threads).noneMatch(Thread::isAlive);
	}

	@Test
	void aHandlerThatNeverReturnsIsAbandonedAndCloseStillReturnsWithEverythingCounted() {
		this.dispatcher = dispatcher(new DispatchSettings(2, 10_000, OverflowPolicy.BLOCK, Duration.ofSeconds(1),
				Duration.ofMillis(200)));
		CountDownLatch endOfTest = new CountDownLatch(1);
		AtomicInteger calls = new AtomicInteger();
		KeyNotificationHandler stuck = (n) -> {
			calls.incrementAndGet();
			awaitIgnoringInterrupts(endOfTest);
		};
		int dispatched = 200;
		dispatchMany(dispatched, stuck);
		await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 2); // both lanes are stuck
		long start = System.nanoTime();
		this.dispatcher.close();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		assertSettled(dispatched);
		assertThat(this.metrics.dropped(DropReason.SHUTDOWN)).isEqualTo(dispatched);
		assertThat(this.threads).allMatch(Thread::isAlive); // abandoned, still inside the handler
		endOfTest.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.threads.stream().noneMatch(Thread::isAlive));
		assertThat(calls).hasValue(2); // released, the threads ended without starting another delivery
		assertSettled(dispatched);
	}

	@Test
	void aCheckpointOfIdleLanesHasPassed() {
		this.dispatcher = dispatcher(new DispatchSettings(2, 100, OverflowPolicy.BLOCK, Duration.ofSeconds(1),
				Duration.ofSeconds(5)));
		assertThat(this.dispatcher.checkpoint().getAsBoolean()).isTrue();
	}

	/**
	 * What a group forwarder waits for: the notifications queued before the checkpoint, not
	 * whatever is in flight when it asks.
	 */
	@Test
	void aCheckpointPassesOnceWhatTheLanesHeldWhenItWasTakenIsHandledWhateverCameLater() {
		this.dispatcher = dispatcher(new DispatchSettings(2, 100, OverflowPolicy.BLOCK, Duration.ofSeconds(1),
				Duration.ofSeconds(5)));
		CountDownLatch releaseEarlier = new CountDownLatch(1);
		CountDownLatch releaseLater = new CountDownLatch(1);
		KeyNotificationHandler[] blocking = { (n) -> awaitQuietly(n.event().equals("earlier") ? releaseEarlier
				: releaseLater) };
		dispatch(this.dispatcher, notification("a", "earlier"), blocking);
		BooleanSupplier checkpoint = this.dispatcher.checkpoint();
		for (int i = 0; i < 10; i++) {
			dispatch(this.dispatcher, notification("key" + i, "later"), blocking);
		}
		assertThat(checkpoint.getAsBoolean()).isFalse();

		releaseEarlier.countDown();

		await().atMost(Duration.ofSeconds(10)).until(checkpoint::getAsBoolean);
		assertThat(this.metrics.inFlight()).as("later notifications are still in flight").isPositive();
		releaseLater.countDown();
	}

	@Test
	void aCheckpointCountsWhatDropOldestDroppedAsSettled() {
		this.dispatcher = dispatcher(new DispatchSettings(1, 2, OverflowPolicy.DROP_OLDEST, Duration.ofSeconds(1),
				Duration.ofSeconds(5)));
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch running = new CountDownLatch(1);
		KeyNotificationHandler[] blocking = { (n) -> {
			running.countDown();
			awaitQuietly(release);
		} };
		dispatch(this.dispatcher, notification("k", "e0"), blocking);
		awaitQuietly(running); // e0 is taken; the queue holds two more
		dispatch(this.dispatcher, notification("k", "e1"), blocking);
		dispatch(this.dispatcher, notification("k", "e2"), blocking);
		BooleanSupplier checkpoint = this.dispatcher.checkpoint();
		dispatch(this.dispatcher, notification("k", "e3"), blocking); // drops e1

		release.countDown();

		await().atMost(Duration.ofSeconds(10)).until(checkpoint::getAsBoolean);
		assertThat(this.metrics.dropped(DropReason.OVERFLOW)).isEqualTo(1);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void dispatchMany(int count, KeyNotificationHandler handler) {
		Dispatcher.Batch batch = this.dispatcher.newBatch("127.0.0.1:6379");
		for (int i = 0; i < count; i++) {
			batch.add(notification("key" + (i % 50), "e" + i), new KeyNotificationHandler[] { handler });
		}
		batch.flush();
	}

	/** Without a reader, every dispatched notification must end delivered or dropped. */
	private void assertSettled(int dispatched) {
		assertThat(this.metrics.inFlight()).isZero();
		assertThat(this.metrics.queued()).isZero();
		assertThat(this.metrics.delivered() + this.metrics.dropped()).isEqualTo(dispatched);
	}

	/** A handler that blocks until released, recording the events it handled. */
	private static final class GatedHandler implements KeyNotificationHandler {

		final CountDownLatch release = new CountDownLatch(1);

		final CountDownLatch started = new CountDownLatch(1);

		final List<String> handled = new CopyOnWriteArrayList<>();

		final KeyNotificationHandler[] asArray = { this };

		@Override
		public void onNotification(KeyNotification notification) {
			this.started.countDown();
			awaitLatch(this.release);
			this.handled.add(notification.event());
		}

		/** Dispatches e0 and waits until the handler is stuck in it, then e1..e{count}. */
		void fill(Dispatcher dispatcher, int count) throws InterruptedException {
			dispatch(dispatcher, notification("k", "e0"), this.asArray);
			assertThat(this.started.await(5, TimeUnit.SECONDS)).isTrue();
			for (int i = 1; i <= count; i++) {
				dispatch(dispatcher, notification("k", "e" + i), this.asArray);
			}
		}

	}

	/** Hands one notification over on its own, as a reader does at the end of a one-message burst. */
	private static void dispatch(Dispatcher dispatcher, KeyNotification notification,
			KeyNotificationHandler[] handlers) {
		Dispatcher.Batch batch = dispatcher.newBatch("127.0.0.1:6379");
		batch.add(notification, handlers);
		batch.flush();
	}

	private Dispatcher dispatcher(DispatchSettings settings) {
		var factory = NotificationOptions.defaultHandlerThreadFactory();
		return new Dispatcher(settings, (runnable) -> {
			Thread thread = factory.newThread(runnable);
			this.threads.add(thread);
			return thread;
		}, this.errorHandler, this.metrics, this.gaps, this.observer);
	}

	static KeyNotification notification(String key, String event) {
		return KeyNotification
			.parse(("__keyspace@0__:" + key).getBytes(StandardCharsets.UTF_8), event.getBytes(StandardCharsets.UTF_8), null)
			.orElseThrow();
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void sleepSwallowingInterrupts(long millis) {
		long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		for (long left = millis; left > 0; left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())) {
			try {
				Thread.sleep(left); // a handler doing slow work that ignores being interrupted
			}
			catch (InterruptedException ex) {
				// swallowed on purpose: the dispatcher must cope with such handlers
			}
		}
	}

	private static void awaitIgnoringInterrupts(CountDownLatch latch) {
		while (true) {
			try {
				if (latch.await(30, TimeUnit.SECONDS)) {
					return;
				}
			}
			catch (InterruptedException ex) {
				// swallowed on purpose: a handler that never gives up
			}
		}
	}

	private static void sleepQuietly(long millis) {
		try {
			Thread.sleep(millis); // simulates a slow handler, not a wait for a condition
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
