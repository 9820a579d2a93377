package io.keyspace.notifications.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.keyspace.notifications.ClusterKeyspaceNotifications;
import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.KeyspaceNotificationsException;
import io.keyspace.notifications.NotificationOptions;
import io.keyspace.notifications.ReadFrom;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.StandaloneKeyspaceNotifications;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.channel.NotificationChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doCallRealMethod;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.RETURNS_DEFAULTS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * The container's lifecycle: the keep-alive thread, stop versus shutdown, and the stop
 * callback; and which node it reads from.
 */
class KeyspaceNotificationListenerContainerTest {

	private static final String KEEP_ALIVE = "keyspace-notifications-keep-alive";

	private final KeyspaceNotifications notifications = mock(KeyspaceNotifications.class);

	private final GenericApplicationContext context = new GenericApplicationContext();

	private final KeyspaceNotificationListenerContainer container = new KeyspaceNotificationListenerContainer(
			this.notifications);

	private final KeyspaceChannel channel = new KeyspaceChannel("k:*");

	private final KeyNotificationHandler handler = (n) -> {
	};

	KeyspaceNotificationListenerContainerTest() {
		// Several handlers start with one subscribeAll: as its default, one subscribe each.
		doCallRealMethod().when(this.notifications).subscribeAll(any());
		this.container.setApplicationContext(this.context);
		this.container.register(new KeyEventEndpoint("Bean#method", List.of(this.channel), this.handler));
	}

	@AfterEach
	void stopContainer() {
		this.container.stop();
	}

	@Test
	void aRunningContainerOwnsOneNonDaemonThreadThatEndsWithStop() {
		this.container.start();
		assertThat(keepAliveThread()).hasValueSatisfying((thread) -> assertThat(thread.isDaemon()).isFalse());

		this.container.stop();

		await().atMost(Duration.ofSeconds(5)).until(() -> keepAliveThread().isEmpty());
		assertThat(this.container.isRunning()).isFalse();
	}

	@Test
	void aPlainStopUnsubscribesAndCanBeStartedAgain() {
		this.container.start();
		Runnable callback = mock(Runnable.class);
		this.container.stop(callback);

		verify(callback).run();
		verify(this.notifications).unsubscribe(registered(), this.channel);
		verify(this.notifications, never()).unsubscribe(any(NotificationChannel.class));
		verify(this.notifications, never()).close();

		this.container.start();
		assertThat(this.container.isRunning()).isTrue();
		verify(this.notifications, times(2)).subscribe(any(), any());
	}

	@Test
	void onShutdownTheNotificationsAreClosedOnTheContainersThreadBeforeTheCallback() throws InterruptedException {
		CountDownLatch closing = new CountDownLatch(1);
		CountDownLatch mayFinish = new CountDownLatch(1);
		AtomicReference<String> closedOn = new AtomicReference<>();
		doAnswer((invocation) -> {
			closedOn.set(Thread.currentThread().getName());
			closing.countDown();
			assertThat(mayFinish.await(10, TimeUnit.SECONDS)).isTrue();
			return null;
		}).when(this.notifications).close();
		this.container.start();
		this.container.onApplicationEvent(new ContextClosedEvent(this.context));

		CountDownLatch stopped = new CountDownLatch(1);
		this.container.stop(stopped::countDown);

		assertThat(closing.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(stopped.getCount()).as("callback while draining").isEqualTo(1);
		assertThat(this.container.isRunning()).isFalse();
		mayFinish.countDown();
		assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(closedOn.get()).isEqualTo(KEEP_ALIVE);
		await().atMost(Duration.ofSeconds(5)).until(() -> keepAliveThread().isEmpty());
	}

	@Test
	void aChildContextClosingIsNotAShutdown() {
		GenericApplicationContext child = new GenericApplicationContext();
		child.setParent(this.context);
		this.container.start();
		this.container.onApplicationEvent(new ContextClosedEvent(child));

		this.container.stop(() -> {
		});

		verify(this.notifications, never()).close();
		verify(this.notifications).unsubscribe(registered(), this.channel);
	}

	@Test
	void oneHandlerStopsAndStartsByIdWhileTheOthersKeepRunning() {
		KeyspaceChannel otherChannel = new KeyspaceChannel("other:*");
		KeyNotificationHandler other = (n) -> {
		};
		this.container.register(new KeyEventEndpoint("other", List.of(otherChannel), other));
		this.container.start();
		assertThat(this.container.endpointIds()).containsExactly("Bean#method", "other");

		this.container.stop("Bean#method");
		verify(this.notifications).unsubscribe(registered(), this.channel);
		assertThat(this.container.isRunning("Bean#method")).isFalse();
		assertThat(this.container.isRunning("other")).isTrue();

		this.container.stop();
		this.container.start();
		verify(this.notifications, times(1)).subscribe(registered(), this.channel);
		verify(this.notifications, times(2)).subscribe(this.container.endpoints().get(1).handler(), otherChannel);
		assertThat(this.container.isRunning("Bean#method")).as("stays stopped across a restart").isFalse();

		this.container.start("Bean#method");
		verify(this.notifications, times(2)).subscribe(registered(), this.channel);
		assertThat(this.container.isRunning("Bean#method")).isTrue();
	}

	@Test
	@SuppressWarnings("unchecked")
	void handlersStartWithOneSubscribeAllInTheirOrder() {
		KeyspaceChannel second = new KeyspaceChannel("second");
		KeyspaceChannel third = new KeyspaceChannel("third");
		this.container.register(new KeyEventEndpoint("second", List.of(second), (n) -> {
		}));
		this.container.register(new KeyEventEndpoint("third", List.of(third, this.channel), (n) -> {
		}));

		this.container.start();

		ArgumentCaptor<Map<KeyNotificationHandler, List<NotificationChannel>>> subscribed = ArgumentCaptor
			.forClass(Map.class);
		verify(this.notifications).subscribeAll(subscribed.capture());
		List<KeyEventEndpoint> endpoints = this.container.endpoints();
		assertThat(subscribed.getValue().keySet())
			.containsExactly(endpoints.get(0).handler(), endpoints.get(1).handler(), endpoints.get(2).handler());
		assertThat(subscribed.getValue().values()).containsExactly(List.of(this.channel), List.of(second),
				List.of(third, this.channel));
	}

	@Test
	@SuppressWarnings("unchecked")
	void thousandsOfHandlersStartInCallsOfAThousand() {
		for (int i = 0; i < 2_500; i++) {
			this.container.register(new KeyEventEndpoint("H" + i, List.of(new KeyspaceChannel("k" + i)), (n) -> {
			}));
		}

		this.container.start();

		ArgumentCaptor<Map<KeyNotificationHandler, List<NotificationChannel>>> subscribed = ArgumentCaptor
			.forClass(Map.class);
		verify(this.notifications, times(3)).subscribeAll(subscribed.capture());
		assertThat(subscribed.getAllValues()).extracting(Map::size).containsExactly(1_000, 1_000, 501);
		verify(this.notifications, times(2_501)).subscribe(any(KeyNotificationHandler.class), any(NotificationChannel.class));
	}

	@Test
	void aChannelRefusedInTheBatchFailsNamingItsHandlerAsOneAtATime() {
		KeyspaceChannel refused = new KeyspaceChannel("refused", 1);
		KeyNotificationHandler third = (n) -> {
		};
		this.container.register(new KeyEventEndpoint("Refused#onKey", List.of(refused), (n) -> {
		}));
		this.container.register(new KeyEventEndpoint("third", List.of(this.channel), third));
		doThrow(new IllegalArgumentException("no db 1 here")).when(this.notifications).subscribeAll(any());
		KeyNotificationHandler refusedHandler = this.container.endpoints().get(1).handler();
		doThrow(new IllegalArgumentException("no db 1 here")).when(this.notifications)
			.subscribe(refusedHandler, refused);

		assertThatExceptionOfType(KeyspaceNotificationsException.class).isThrownBy(this.container::start)
			.withMessageContaining("Cannot subscribe @OnKeyEvent handler Refused#onKey to [__keyspace@1__:refused]")
			.withMessageContaining("no db 1 here");
		verify(this.notifications).subscribe(registered(), this.channel);
		verify(this.notifications, never()).subscribe(this.container.endpoints().get(2).handler(), this.channel);
		assertThat(this.container.isRunning()).isFalse();
	}

	@Test
	void aHandlerStartedByIdWhileTheContainerIsStoppedIsSubscribedWithTheContainer() {
		this.container.stop("Bean#method");
		this.container.start("Bean#method");
		verify(this.notifications, never()).subscribe(any(KeyNotificationHandler.class), any(NotificationChannel.class));
		assertThat(this.container.isRunning("Bean#method")).isFalse();

		this.container.start();
		verify(this.notifications).subscribe(registered(), this.channel);
		assertThat(this.container.isRunning("Bean#method")).isTrue();
	}

	@Test
	void anUnknownIdIsRejectedNamingTheKnownOnes() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.container.stop("nope"))
			.withMessage("No @OnKeyEvent handler has the id 'nope'; the ids are [Bean#method]");
	}

	@Test
	void autoStartupIsOnUnlessTurnedOff() {
		assertThat(this.container.isAutoStartup()).isTrue();
		this.container.setAutoStartup(false);
		assertThat(this.container.isAutoStartup()).isFalse();
	}

	@Test
	void readsFromWhereItsNotificationsRead() {
		NotificationOptions replica = NotificationOptions.builder().readFrom(ReadFrom.REPLICA).build();
		try (ClusterKeyspaceNotifications cluster = new ClusterKeyspaceNotifications(
				List.of(new RedisNode("127.0.0.1", 7000)), ConnectionSettings.defaults(), replica, Duration.ofSeconds(5));
				StandaloneKeyspaceNotifications standalone = new StandaloneKeyspaceNotifications(
						new RedisNode("127.0.0.1", 6379), ConnectionSettings.defaults(), replica)) {
			assertThat(new KeyspaceNotificationListenerContainer(cluster).readFrom()).isEqualTo(ReadFrom.REPLICA);
			assertThat(new KeyspaceNotificationListenerContainer(standalone).readFrom())
				.as("one server, read whatever its role")
				.isEqualTo(ReadFrom.PRIMARY);
		}
		KeyspaceNotifications ownImplementation = mock(KeyspaceNotifications.class, (invocation) -> invocation
			.getMethod().isDefault() ? invocation.callRealMethod() : RETURNS_DEFAULTS.answer(invocation));
		assertThat(new KeyspaceNotificationListenerContainer(ownImplementation).readFrom())
			.as("an implementation of its own").isEqualTo(ReadFrom.PRIMARY);
	}

	private static Optional<Thread> keepAliveThread() {
		return Thread.getAllStackTraces().keySet().stream().filter((t) -> t.getName().equals(KEEP_ALIVE)).findFirst();
	}

	@Test
	void countsEachIdsCallsThatReturnedAndThatThrewUnderItsOwnName() {
		KeyEventEndpoint failing = new KeyEventEndpoint("failing", List.of(this.channel), new KeyNotificationHandler() {

			@Override
			public void onNotification(KeyNotification notification) {
				throw new IllegalStateException("boom");
			}

			@Override
			public String toString() {
				return "Bean#failing";
			}

		});
		this.container.register(failing);
		KeyNotification notification = KeyNotification.parse("__keyspace@0__:k:1".getBytes(StandardCharsets.UTF_8),
				"set".getBytes(StandardCharsets.UTF_8), null).orElseThrow();
		registered().onNotification(notification);
		registered().onNotification(notification);
		KeyNotificationHandler countedFailing = this.container.endpoints().get(1).handler();
		assertThatIllegalStateException().isThrownBy(() -> countedFailing.onNotification(notification));

		assertThat(this.container.status("Bean#method")).satisfies((status) -> {
			assertThat(status.delivered()).isEqualTo(2);
			assertThat(status.failed()).isZero();
			assertThat(status.channels()).containsExactly("__keyspace@0__:k:*");
			assertThat(status.running()).isFalse();
		});
		assertThat(this.container.status("failing").failed()).isEqualTo(1);
		assertThat(countedFailing).as("logs and the error handler name the handler").hasToString("Bean#failing");
		assertThat(this.container.statuses()).extracting(HandlerStatus::id).containsExactly("Bean#method", "failing");
	}

	/** The handler as the container subscribes it: counted, so not the object registered. */
	private KeyNotificationHandler registered() {
		return this.container.endpoints().get(0).handler();
	}

}
