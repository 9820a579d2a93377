package io.keyspace.notifications.internal.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.keyspace.notifications.DispatchSettings;
import io.keyspace.notifications.HandlerObserver;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.NotificationOptions;
import io.keyspace.notifications.OverflowPolicy;
import io.keyspace.notifications.internal.gap.GapTracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.keyspace.notifications.internal.dispatch.DispatcherTest.notification;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A lone notification handled on the reader thread when its lane is idle and its handlers are fast. */
class InlineDispatchTest {

	private static final String HANDLER_THREAD = "inline-test-handler";

	private final NotificationCounters metrics = new NotificationCounters();

	private final Dispatcher dispatcher = new Dispatcher(
			new DispatchSettings(1, 100, OverflowPolicy.BLOCK, Duration.ofSeconds(1), Duration.ofSeconds(5), true),
			(runnable) -> {
				Thread thread = new Thread(runnable, HANDLER_THREAD);
				thread.setDaemon(true);
				return thread;
			}, NotificationOptions.LOGGING_ERROR_HANDLER, this.metrics,
			new GapTracker(Clock.systemUTC()), HandlerObserver.NONE);

	private final List<String> handled = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() {
		this.dispatcher.close();
	}

	@Test
	void aLaneGoesInlineOnlyOnceItsCallsProvedFast() {
		awaitIdle();
		hand(notification("k", "first"), (n) -> this.handled.add(Thread.currentThread().getName()));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.handled.size() == 1);
		assertThat(this.handled.get(0)).as("no calls proved fast yet").isEqualTo(HANDLER_THREAD);
		proveFast();
		this.handled.clear();
		long received = this.metrics.received();
		hand(notification("k", "set"), (n) -> this.handled.add(Thread.currentThread().getName()));
		assertThat(this.handled).containsExactly(Thread.currentThread().getName());
		assertThat(this.metrics.received()).isEqualTo(received + 1);
		assertThat(this.metrics.delivered()).isEqualTo(received + 1);
		assertThat(this.metrics.inFlight()).isZero();
	}

	@Test
	void aSmallBurstIsHandledInlineInOrderALargeOneByTheHandlerThread() {
		proveFast();
		KeyNotificationHandler[] handlers = { (n) -> this.handled.add(n.event() + " " + Thread.currentThread().getName()) };
		Dispatcher.Batch small = this.dispatcher.newBatch("127.0.0.1:6379");
		small.add(notification("a", "e1"), handlers);
		small.add(notification("a", "e2"), handlers);
		small.flush();
		String reader = Thread.currentThread().getName();
		assertThat(this.handled).containsExactly("e1 " + reader, "e2 " + reader);
		this.handled.clear();
		awaitIdle();
		Dispatcher.Batch large = this.dispatcher.newBatch("127.0.0.1:6379");
		for (int i = 0; i < 33; i++) {
			large.add(notification("a", "e" + i), handlers);
		}
		large.flush();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.handled.size() == 33);
		assertThat(this.handled).allMatch((call) -> call.endsWith(HANDLER_THREAD));
	}

	@Test
	void whileACallRunsInlineWhatOtherReadersHandOverWaitsAndComesAfterIt() throws Exception {
		proveFast();
		CountDownLatch inside = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Thread reader = new Thread(() -> hand(notification("k", "first"), (n) -> {
			this.handled.add("first");
			inside.countDown();
			awaitLatch(release);
		}), "reader-1");
		reader.start();
		assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
		BooleanSupplier checkpoint = this.dispatcher.checkpoint();
		hand(notification("k", "second"), (n) -> this.handled.add("second on " + Thread.currentThread().getName()));
		assertThat(checkpoint.getAsBoolean()).as("a checkpoint waits for the call running inline").isFalse();
		assertThat(this.handled).containsExactly("first");
		release.countDown();
		reader.join(5_000);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.handled.size() == 2);
		assertThat(this.handled.get(1)).isEqualTo("second on " + HANDLER_THREAD);
		await().atMost(Duration.ofSeconds(5)).until(checkpoint::getAsBoolean);
	}

	@Test
	void aSlowCallSendsTheLaneThroughItsHandlerThreadAgain() {
		proveFast();
		hand(notification("k", "slow"), (n) -> sleep(DispatchSettings.INLINE_LIMIT.toMillis() + 5));
		awaitIdle();
		hand(notification("k", "next"), (n) -> this.handled.add(Thread.currentThread().getName()));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.handled.size() == 1);
		assertThat(this.handled.get(0)).startsWith(HANDLER_THREAD);
	}

	@Test
	void aHandlerThatMayBlockIsNeverCalledInline() {
		proveFast();
		hand(notification("k", "set"), new KeyNotificationHandler() {

			@Override
			public void onNotification(io.keyspace.notifications.KeyNotification notification) {
				InlineDispatchTest.this.handled.add(Thread.currentThread().getName());
			}

			@Override
			public boolean mayBlock() {
				return true;
			}

		});
		await().atMost(Duration.ofSeconds(5)).until(() -> this.handled.size() == 1);
		assertThat(this.handled.get(0)).isEqualTo(HANDLER_THREAD);
	}

	@Test
	void aThreadFactoryOfYourOwnTurnsInlineOff() {
		assertThat(NotificationOptions.builder().dispatch(DispatchSettings.DEFAULT).build().dispatch().inline()).isTrue();
		assertThat(NotificationOptions.builder()
			.dispatch(DispatchSettings.DEFAULT)
			.handlerThreadFactory(Thread::new)
			.build()
			.dispatch()
			.inline()).isFalse();
	}

	private void hand(io.keyspace.notifications.KeyNotification notification, KeyNotificationHandler handler) {
		Dispatcher.Batch batch = this.dispatcher.newBatch("127.0.0.1:6379");
		batch.add(notification, new KeyNotificationHandler[] { handler });
		batch.flush();
	}

	/**
	 * Runs a burst too large to be handled inline through the handler thread, so that the lane
	 * has {@value DispatchLane#PROVEN} fast calls behind it, then waits until it is idle.
	 */
	private void proveFast() {
		Dispatcher.Batch burst = this.dispatcher.newBatch("127.0.0.1:6379");
		KeyNotificationHandler[] fast = { (n) -> {
		} };
		for (int i = 0; i < DispatchLane.PROVEN; i++) {
			burst.add(notification("proof", "e" + i), fast);
		}
		long before = this.metrics.delivered();
		burst.flush();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.metrics.delivered() == before + DispatchLane.PROVEN);
		awaitIdle();
	}

	/** The handler thread parks once it found its lane empty: only then can a call run inline. */
	private void awaitIdle() {
		await().atMost(Duration.ofSeconds(5)).until(() -> this.dispatcher.queued() == 0 && handlerThreadWaits());
	}

	// Each test's dispatcher is closed before the next starts, so one handler thread of that name lives.
	private static boolean handlerThreadWaits() {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.getName().startsWith(HANDLER_THREAD))
			.anyMatch((thread) -> thread.getState() == Thread.State.WAITING);
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			latch.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis); // the slow handler under test
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
