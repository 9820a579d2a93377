package io.keyspace.notifications.listener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.keyspace.notifications.FilteredHandler;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationFilter;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.KeyspaceNotificationsException;
import io.keyspace.notifications.NotificationGroups;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.channel.NotificationChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * Handlers with a group: subscribed with the {@link NotificationGroups} (asked for only then,
 * and shown by the container from then on), paused by a plain stop or {@code stop(id)} and
 * resumed by {@code start()} or {@code start(id)}, and closed before the notifications on
 * shutdown.
 */
class KeyspaceNotificationListenerContainerGroupTest {

	private final KeyspaceNotifications notifications = mock(KeyspaceNotifications.class);

	private final NotificationGroups groups = mock(NotificationGroups.class);

	private final AtomicInteger groupsAsked = new AtomicInteger();

	private final Supplier<NotificationGroups> groupsSource = () -> {
		this.groupsAsked.incrementAndGet();
		return this.groups;
	};

	private final GenericApplicationContext context = new GenericApplicationContext();

	private final KeyspaceNotificationListenerContainer container = new KeyspaceNotificationListenerContainer(
			this.notifications);

	private final KeyspaceChannel channel = new KeyspaceChannel("hold:*");

	private final KeyNotificationHandler handler = named("Holds#release");

	private final KeyEventEndpoint grouped = new KeyEventEndpoint("Holds#release", List.of(this.channel),
			this.handler, "release");

	KeyspaceNotificationListenerContainerGroupTest() {
		this.container.setApplicationContext(this.context);
	}

	@AfterEach
	void stopContainer() {
		this.container.stop();
	}

	@Test
	void aGroupHandlerIsSubscribedWithTheGroupsWhichAreAskedForOnlyThen() {
		this.container.setNotificationGroups(this.groupsSource);
		this.container.register(new KeyEventEndpoint("Plain#m", List.of(this.channel), named("Plain#m")));
		this.container.start();
		assertThat(this.container.notificationGroups()).as("looking does not ask for them").isEmpty();
		assertThat(this.groupsAsked).as("no group handler yet").hasValue(0);

		this.container.register(this.grouped);

		// The container counts the handler's calls: what it subscribes is the handler under its name.
		verify(this.groups).subscribe(eq("release"), argThat((h) -> h.toString().equals("Holds#release")),
				eq(this.channel));
		verify(this.notifications, never()).subscribe(argThat((KeyNotificationHandler h) -> h.toString()
			.equals("Holds#release")), any(NotificationChannel[].class));
		assertThat(this.groupsAsked).hasValue(1);
		assertThat(this.container.isRunning("Holds#release")).isTrue();
		assertThat(this.container.notificationGroups()).containsSame(this.groups);
	}

	@Test
	void aPlainStopPausesGroupHandlersAndStartResumesThem() {
		this.container.setNotificationGroups(this.groupsSource);
		this.container.register(this.grouped);
		this.container.start();

		this.container.stop();
		assertThat(this.container.isRunning("Holds#release")).isFalse();
		verify(this.groups).pause("release");
		this.container.start();

		assertThat(this.container.isRunning("Holds#release")).isTrue();
		verify(this.groups).resume("release");
		verify(this.groups, times(1)).subscribe(eq("release"), any(), any(NotificationChannel[].class));
		verify(this.groups, never()).unsubscribe(any());
		verify(this.groups, never()).close();
	}

	@Test
	void onShutdownTheGroupsCloseBeforeTheNotifications() throws InterruptedException {
		this.container.setNotificationGroups(this.groupsSource);
		this.container.register(this.grouped);
		this.container.start();
		this.container.onApplicationEvent(new ContextClosedEvent(this.context));

		CountDownLatch stopped = new CountDownLatch(1);
		this.container.stop(stopped::countDown);

		assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
		InOrder order = inOrder(this.groups, this.notifications);
		order.verify(this.groups).close();
		order.verify(this.notifications).close();
		assertThat(this.container.isRunning("Holds#release")).isFalse();
	}

	@Test
	void theGroupsOfAContainerStoppedBeforeCloseWhenTheContextCloses() {
		this.container.setNotificationGroups(this.groupsSource);
		this.container.register(this.grouped);
		this.container.start();
		this.container.stop();

		this.container.onApplicationEvent(new ContextClosedEvent(this.context));

		verify(this.groups).close();
		verify(this.notifications, never()).close(); // destroyed with its bean, after the groups
		assertThat(this.container.isRunning("Holds#release")).isFalse();
	}

	@Test
	void aGroupHandlerStoppedByIdPausesAndStartsAgain() {
		this.container.setNotificationGroups(this.groupsSource);
		this.container.register(this.grouped);
		this.container.start();

		this.container.stop("Holds#release");
		assertThat(this.container.isRunning("Holds#release")).isFalse();
		verify(this.groups).pause("release");

		this.container.start("Holds#release");
		assertThat(this.container.isRunning("Holds#release")).isTrue();
		verify(this.groups).resume("release");
		verify(this.groups, times(1)).subscribe(eq("release"), any(), any(NotificationChannel[].class));
	}

	@Test
	void aGroupHandlerWithoutGroupsFailsNamingTheHandlerAndTheFix() {
		this.container.register(this.grouped);
		assertThat(this.container.supportsGroups()).isFalse();

		assertThatExceptionOfType(KeyspaceNotificationsException.class).isThrownBy(this.container::start)
			.withMessageContaining("@OnKeyEvent handler Holds#release has group 'release'")
			.withMessageContaining("setNotificationGroups");
	}

	@Test
	void aRefusalOfTheGroupsNamesTheHandler() {
		this.container.setNotificationGroups(this.groupsSource);
		this.container.register(this.grouped);
		doThrow(new IllegalStateException("These notification groups are closed"))
			.when(this.groups)
			.subscribe(any(), any(), any(NotificationChannel[].class));

		assertThatExceptionOfType(KeyspaceNotificationsException.class).isThrownBy(this.container::start)
			.withMessage("Cannot subscribe @OnKeyEvent handler Holds#release in group 'release' to "
					+ "[__keyspace@0__:hold:*]: These notification groups are closed");
	}

	@Test
	void aGroupHandlerIsDecoratedInsideItsFilterAndKeepsItsName() {
		List<String> decorated = new CopyOnWriteArrayList<>();
		this.container.setHandlerDecorator((handler, name) -> (n) -> {
			decorated.add(name);
			handler.onNotification(n);
		});
		KeyNotificationFilter expiredOnly = KeyNotificationFilter.of(List.of(), List.of("expired"));
		this.container.setNotificationGroups(this.groupsSource);
		this.container.register(new KeyEventEndpoint("Holds#release", List.of(this.channel),
				new FilteredHandler(expiredOnly, this.handler), "release"));
		this.container.start();

		ArgumentCaptor<KeyNotificationHandler> subscribed = ArgumentCaptor.forClass(KeyNotificationHandler.class);
		verify(this.groups).subscribe(eq("release"), subscribed.capture(), eq(this.channel));
		assertThat(subscribed.getValue()).isInstanceOfSatisfying(FilteredHandler.class, (filtered) -> {
			assertThat(filtered.filter()).isSameAs(expiredOnly);
			assertThat(filtered.handler()).hasToString("Holds#release");
			filtered.handler().onNotification(mock(KeyNotification.class));
		});
		assertThat(decorated).containsExactly("Holds#release");
	}

	private static KeyNotificationHandler named(String name) {
		return new NamedHandler(name, (n) -> {
		});
	}

}
