package io.keyspace.notifications.annotation;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.keyspace.notifications.ChannelType;
import io.keyspace.notifications.FilteredHandler;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationFilter;
import io.keyspace.notifications.RecordingHandler;
import io.keyspace.notifications.channel.KeyeventChannel;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.channel.SubkeyeventChannel;
import io.keyspace.notifications.channel.SubkeyspaceChannel;
import io.keyspace.notifications.channel.SubkeyspaceeventChannel;
import io.keyspace.notifications.channel.SubkeyspaceitemChannel;
import io.keyspace.notifications.listener.KeyEventEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class OnKeyEventEndpointFactoryTest {

	private final OnKeyEventEndpointFactory factory = new OnKeyEventEndpointFactory("", 0);

	@Test
	void aKeyMeansKeyspaceAndTheEventsAreFilteredOnTheClient() {
		RecordingHandler handler = new RecordingHandler();
		KeyEventEndpoint endpoint = this.factory.create(attributes(List.of("product:*"), List.of("set", "del")), handler);
		assertThat(endpoint.channels()).containsExactly(new KeyspaceChannel("product:*"));
		endpoint.handler().onNotification(keyspace("product:1", "set"));
		endpoint.handler().onNotification(keyspace("product:1", "expire"));
		endpoint.handler().onNotification(keyspace("product:1", "del"));
		assertThat(handler.received()).extracting(KeyNotification::event).containsExactly("set", "del");
		assertThat(endpoint.id()).isEqualTo("Bean#method");
		// a FilteredHandler: the registry runs its filter on the reader thread, before queueing
		assertThat(endpoint.handler()).isInstanceOfSatisfying(FilteredHandler.class, (filtered) -> {
			assertThat(filtered.filter()).isEqualTo(KeyNotificationFilter.events("set", "del"));
			assertThat(filtered.handler()).isSameAs(handler);
		});
	}

	@Test
	void onlyEventsMeansKeyeventAndKeysAreFilteredOnTheClient() {
		RecordingHandler handler = new RecordingHandler();
		KeyEventEndpoint endpoint = this.factory.create(attributes(List.of("session:*"), List.of("expired"),
				ChannelType.KEYEVENT), handler);
		assertThat(endpoint.channels()).containsExactly(new KeyeventChannel("expired"));
		endpoint.handler().onNotification(keyevent("expired", "session:1"));
		endpoint.handler().onNotification(keyevent("expired", "cart:1"));
		assertThat(handler.keys()).containsExactly("session:1");
		KeyEventEndpoint eventOnly = this.factory.create(attributes(List.of(), List.of("expired", "evicted")), handler);
		assertThat(eventOnly.channels()).containsExactly(new KeyeventChannel("expired"), new KeyeventChannel("evicted"));
		assertThat(eventOnly.handler()).isSameAs(handler);
	}

	@Test
	void theKeyPrefixIsPrependedToChannelKeysAndTheDefaultDatabaseApplies() {
		OnKeyEventEndpointFactory prefixed = new OnKeyEventEndpointFactory("app1:", 5);
		KeyEventEndpoint endpoint = prefixed.create(attributes(List.of("user:*"), List.of()), new RecordingHandler());
		assertThat(endpoint.channels()).containsExactly(new KeyspaceChannel("app1:user:*", 5));
		KeyEventEndpoint explicitDb = prefixed.create(
				new OnKeyEventEndpointFactory.Attributes("B#m", List.of("k"), List.of(), new ChannelType[0], "", "2", "my-id"),
				new RecordingHandler());
		assertThat(explicitDb.channels()).containsExactly(new KeyspaceChannel("app1:k", 2));
		assertThat(explicitDb.id()).isEqualTo("my-id");
		assertThat(explicitDb.handler()).as("name in log messages").hasToString("my-id");
	}

	@Test
	void everySubkeyKindBuildsItsChannel() {
		RecordingHandler handler = new RecordingHandler();
		assertThat(this.factory.create(attributes(List.of("h:*"), List.of(), ChannelType.SUBKEYSPACE), handler).channels())
			.containsExactly(new SubkeyspaceChannel("h:*"));
		assertThat(this.factory.create(attributes(List.of(), List.of("hset"), ChannelType.SUBKEYEVENT), handler).channels())
			.containsExactly(new SubkeyeventChannel("hset"));
		assertThat(this.factory
			.create(new OnKeyEventEndpointFactory.Attributes("B#m", List.of("h:1"), List.of(),
					new ChannelType[] { ChannelType.SUBKEYSPACEITEM }, "f*", "", ""), handler)
			.channels()).containsExactly(new SubkeyspaceitemChannel("h:1", "f*"));
		assertThat(this.factory
			.create(attributes(List.of("h:1", "h:2"), List.of("hset"), ChannelType.SUBKEYSPACEEVENT), handler)
			.channels()).containsExactly(new SubkeyspaceeventChannel("hset", "h:1"),
					new SubkeyspaceeventChannel("hset", "h:2"));
		assertThat(this.factory
			.create(attributes(List.of("h:1"), List.of("hset"), ChannelType.SUBKEYSPACEEVENT), handler)
			.handler()).as("key and event both in the channel: nothing left to filter").isSameAs(handler);
	}

	@Test
	void invalidAnnotationsNameTheMethodTheProblemAndTheFix() {
		assertInvalid(attributes(List.of(), List.of()), "neither a key nor an event", "Add key");
		assertInvalid(new OnKeyEventEndpointFactory.Attributes("Bean#method", List.of("k"), List.of(), new ChannelType[0],
				"", "three", ""), "db 'three' is not a database number", "spring.data.redis.database");
		assertInvalid(new OnKeyEventEndpointFactory.Attributes("Bean#method", List.of("k"), List.of(), new ChannelType[0],
				"field", "", ""), "subkey is set but type is KEYSPACE", "SUBKEYSPACEITEM");
		assertInvalid(attributes(List.of(), List.of("set"), ChannelType.KEYSPACE), "type KEYSPACE needs key", "Add key");
		assertInvalid(new OnKeyEventEndpointFactory.Attributes("Bean#method", List.of("k"), List.of(),
				new ChannelType[] { ChannelType.SUBKEYSPACEITEM }, "", "", ""), "needs a subkey", "Add subkey");
		assertInvalid(new OnKeyEventEndpointFactory.Attributes("Bean#method", List.of("k"), List.of(),
				new ChannelType[] { ChannelType.KEYSPACE, ChannelType.KEYEVENT }, "", "", ""), "type has 2 values",
				"at most one");
		assertInvalid(attributes(List.of(""), List.of()), "key", "non-empty");
	}

	@Test
	void resyncNeedsAKeyAndNoGroup() {
		assertInvalid(resync(List.of(), List.of("expired"), ""), "resync = true needs keys to scan", "Add key");
		assertInvalid(resync(List.of("acc:*"), List.of(), "billing"), "group 'billing'", "Remove resync");
		KeyEventEndpoint keyevent = this.factory.create(new OnKeyEventEndpointFactory.Attributes("Bean#method",
				List.of("session:*"), List.of("expired"), new ChannelType[] { ChannelType.KEYEVENT }, "", "", "", "", true),
				new RecordingHandler());
		assertThat(keyevent.resync()).isTrue();
		assertThat(keyevent.channels()).containsExactly(new KeyeventChannel("expired"));
		assertThat(this.factory.create(attributes(List.of("acc:*"), List.of()), new RecordingHandler()).resync())
			.isFalse();
	}

	private static OnKeyEventEndpointFactory.Attributes resync(List<String> keys, List<String> events, String group) {
		return new OnKeyEventEndpointFactory.Attributes("Bean#method", keys, events, new ChannelType[0], "", "", "",
				group, true);
	}

	private void assertInvalid(OnKeyEventEndpointFactory.Attributes attributes, String problem, String fix) {
		assertThatExceptionOfType(InvalidOnKeyEventException.class)
			.isThrownBy(() -> this.factory.create(attributes, new RecordingHandler()))
			.withMessageStartingWith("@OnKeyEvent method Bean#method: ")
			.withMessageContaining(problem)
			.withMessageContaining(fix);
	}

	private static OnKeyEventEndpointFactory.Attributes attributes(List<String> keys, List<String> events,
			ChannelType... type) {
		return new OnKeyEventEndpointFactory.Attributes("Bean#method", keys, events, type, "", "", "");
	}

	private static KeyNotification keyspace(String key, String event) {
		return KeyNotification.parse(("__keyspace@0__:" + key).getBytes(StandardCharsets.UTF_8),
				event.getBytes(StandardCharsets.UTF_8), null).orElseThrow();
	}

	private static KeyNotification keyevent(String event, String key) {
		return KeyNotification.parse(("__keyevent@0__:" + event).getBytes(StandardCharsets.UTF_8),
				key.getBytes(StandardCharsets.UTF_8), null).orElseThrow();
	}

}
