package io.keyspace.notifications.channel;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import io.keyspace.notifications.ChannelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class NotificationChannelTest {

	static Stream<Arguments> wireNames() {
		return Stream.of(arguments(new KeyspaceChannel("user:123"), "__keyspace@0__:user:123"),
				arguments(new KeyspaceChannel("user:*", 2), "__keyspace@2__:user:*"),
				arguments(new KeyeventChannel("set"), "__keyevent@0__:set"),
				arguments(new KeyeventChannel("expired", 15), "__keyevent@15__:expired"),
				arguments(KeyeventChannel.allEvents(), "__keyevent@0__:*"),
				arguments(KeyeventChannel.allEvents(4), "__keyevent@4__:*"),
				arguments(new SubkeyspaceChannel("myhash"), "__subkeyspace@0__:myhash"),
				arguments(new SubkeyspaceChannel("h:*", 1), "__subkeyspace@1__:h:*"),
				arguments(new SubkeyeventChannel("hdel"), "__subkeyevent@0__:hdel"),
				arguments(SubkeyeventChannel.allEvents(), "__subkeyevent@0__:*"),
				arguments(SubkeyeventChannel.allEvents(3), "__subkeyevent@3__:*"),
				arguments(new SubkeyspaceitemChannel("myhash", "myfield"), "__subkeyspaceitem@0__:myhash\nmyfield"),
				arguments(new SubkeyspaceitemChannel("myhash", "f*", 5), "__subkeyspaceitem@5__:myhash\nf*"),
				arguments(new SubkeyspaceeventChannel("hset", "myhash"), "__subkeyspaceevent@0__:hset|myhash"),
				arguments(new SubkeyspaceeventChannel("h*", "my|hash", 9), "__subkeyspaceevent@9__:h*|my|hash"));
	}

	@ParameterizedTest
	@MethodSource("wireNames")
	void wireName(NotificationChannel channel, String expected) {
		assertThat(channel).hasToString(expected);
		assertThat(channel.toBytes()).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
		assertThat(ChannelType.of(channel.toBytes())).contains(channel.type());
	}

	@Test
	void toBytesIsUtf8() {
		assertThat(new KeyspaceChannel("日本").toBytes())
			.isEqualTo("__keyspace@0__:日本".getBytes(StandardCharsets.UTF_8))
			.hasSize(21);
	}

	@Test
	void typesAndDatabases() {
		assertThat(new KeyspaceChannel("k").type()).isEqualTo(ChannelType.KEYSPACE);
		assertThat(new KeyeventChannel("e").type()).isEqualTo(ChannelType.KEYEVENT);
		assertThat(new SubkeyspaceChannel("k").type()).isEqualTo(ChannelType.SUBKEYSPACE);
		assertThat(new SubkeyeventChannel("e").type()).isEqualTo(ChannelType.SUBKEYEVENT);
		assertThat(new SubkeyspaceitemChannel("k", "f").type()).isEqualTo(ChannelType.SUBKEYSPACEITEM);
		assertThat(new SubkeyspaceeventChannel("e", "k").type()).isEqualTo(ChannelType.SUBKEYSPACEEVENT);
		assertThat(new KeyspaceChannel("k").db()).isZero();
		assertThat(new SubkeyspaceeventChannel("e", "k", 7).db()).isEqualTo(7);
	}

	@Test
	void patterns() {
		assertThat(new KeyspaceChannel("user:*").isPattern()).isTrue();
		assertThat(new KeyspaceChannel("user:?").isPattern()).isTrue();
		assertThat(new KeyspaceChannel("user:[12]").isPattern()).isTrue();
		assertThat(new KeyspaceChannel("user:1").isPattern()).isFalse();
		assertThat(new KeyspaceChannel("my[key").isPattern()).isFalse();
		assertThat(new KeyspaceChannel("a\\*b").isPattern()).isFalse();
		assertThat(KeyeventChannel.allEvents().isPattern()).isTrue();
		assertThat(new KeyeventChannel("set").isPattern()).isFalse();
		assertThat(new SubkeyspaceChannel("h*").isPattern()).isTrue();
		assertThat(new SubkeyeventChannel("hset").isPattern()).isFalse();
		assertThat(new SubkeyspaceitemChannel("h", "f").isPattern()).isFalse();
		assertThat(new SubkeyspaceitemChannel("h", "f*").isPattern()).isTrue();
		assertThat(new SubkeyspaceitemChannel("h?", "f").isPattern()).isTrue();
		assertThat(new SubkeyspaceeventChannel("hset", "h").isPattern()).isFalse();
		assertThat(new SubkeyspaceeventChannel("h*", "h").isPattern()).isTrue();
		assertThat(new SubkeyspaceeventChannel("hset", "h[ab]").isPattern()).isTrue();
	}

	@Test
	void partsAreJudgedSeparately() {
		// Neither part is a pattern alone, though the joined name holds "[" ... "]".
		assertThat(new SubkeyspaceitemChannel("a[", "]").isPattern()).isFalse();
		assertThat(new SubkeyspaceeventChannel("a[", "]").isPattern()).isFalse();
	}

	@Test
	void exactKey() {
		assertThat(new KeyspaceChannel("user:1").exactKey()).contains("user:1");
		assertThat(new KeyspaceChannel("my[key").exactKey()).contains("my[key");
		assertThat(new KeyspaceChannel("user:*").exactKey()).isEmpty();
		assertThat(new SubkeyspaceChannel("h").exactKey()).contains("h");
		assertThat(new SubkeyspaceChannel("h?").exactKey()).isEmpty();
		assertThat(new KeyeventChannel("set").exactKey()).isEmpty();
		assertThat(new SubkeyeventChannel("hset").exactKey()).isEmpty();
		assertThat(new SubkeyspaceitemChannel("h", "f*").exactKey()).contains("h");
		assertThat(new SubkeyspaceitemChannel("h*", "f").exactKey()).isEmpty();
		assertThat(new SubkeyspaceeventChannel("h*", "h").exactKey()).contains("h");
		assertThat(new SubkeyspaceeventChannel("hset", "h[12]").exactKey()).isEmpty();
	}

	@Test
	void aLiteralChannelIsSubscribedByItsUnescapedNameAndAPatternKeepsItsEscapes() {
		KeyspaceChannel literal = new KeyspaceChannel("a\\*b");
		assertThat(literal).hasToString("__keyspace@0__:a*b");
		assertThat(literal.exactKey()).contains("a*b");
		assertThat(new KeyeventChannel("odd\\?").toString()).isEqualTo("__keyevent@0__:odd?");
		assertThat(new KeyspaceChannel("a\\*b*")).hasToString("__keyspace@0__:a\\*b*");
		assertThat(new KeyspaceChannel("a\\*b*").exactKey()).isEmpty();
		// a literal part next to a pattern part is escaped, or PSUBSCRIBE would read '[' as a set
		assertThat(new SubkeyspaceitemChannel("my[key", "f*")).hasToString("__subkeyspaceitem@0__:my\\[key\nf*");
		assertThat(new SubkeyspaceitemChannel("a\\*b", "f")).hasToString("__subkeyspaceitem@0__:a*b\nf");
		assertThat(new SubkeyspaceeventChannel("hset", "a\\*b").exactKey()).contains("a*b");
	}

	@Test
	void theLiteralAndThePatternOfOneNameAreDifferentSubscriptions() {
		KeyspaceChannel literal = new KeyspaceChannel("a\\*b");
		KeyspaceChannel pattern = new KeyspaceChannel("a*b");
		assertThat(literal).hasToString(pattern.toString()).isNotEqualTo(pattern);
		assertThat(literal.isPattern()).isFalse();
		assertThat(pattern.isPattern()).isTrue();
	}

	@Test
	void channelsAreBuiltFromTheLayoutOfTheirKind() {
		assertThat(NotificationChannel.of(ChannelType.SUBKEYSPACEEVENT, 3, "hset", "user:1"))
			.isEqualTo(new SubkeyspaceeventChannel("hset", "user:1", 3));
		assertThat(NotificationChannel.of(ChannelType.SUBKEYSPACEITEM, 0, "h", "f"))
			.isEqualTo(new SubkeyspaceitemChannel("h", "f"));
		for (ChannelType type : ChannelType.values()) {
			String[] parts = type.channelParts().stream().map((part) -> part.name().toLowerCase()).toArray(String[]::new);
			NotificationChannel channel = NotificationChannel.of(type, 1, parts);
			assertThat(channel.type()).isEqualTo(type);
			assertThat(type.channelParts()).allSatisfy((part) -> assertThat(channel.part(part)).isNotNull());
			assertThat(ChannelType.of(channel.toString())).contains(type);
		}
		assertThatIllegalArgumentException().isThrownBy(() -> NotificationChannel.of(ChannelType.KEYSPACE, 0, "a", "b"))
			.withMessage("KEYSPACE channels have the parts [KEY], got 2 value(s)");
	}

	@Test
	void equalityIsByWireName() {
		assertThat(new KeyspaceChannel("k")).isEqualTo(new KeyspaceChannel("k", 0))
			.hasSameHashCodeAs(new KeyspaceChannel("k", 0))
			.isNotEqualTo(new KeyspaceChannel("k", 1))
			.isNotEqualTo(new SubkeyspaceChannel("k"))
			.isNotEqualTo("__keyspace@0__:k");
		assertThat(KeyeventChannel.allEvents()).isEqualTo(new KeyeventChannel("*"));
		assertThat(SubkeyeventChannel.allEvents(2)).isEqualTo(new SubkeyeventChannel("*", 2));
		assertThat(new KeyspaceChannel("k").hashCode()).isEqualTo("__keyspace@0__:k".hashCode());
	}

	@Test
	void differentPartsWithTheSameWireNameAreEqual() {
		SubkeyspaceitemChannel item = new SubkeyspaceitemChannel("a\nb", "c");
		assertThat(item).isEqualTo(new SubkeyspaceitemChannel("a", "b\nc")).hasSameHashCodeAs(
				new SubkeyspaceitemChannel("a", "b\nc"));
		SubkeyspaceeventChannel event = new SubkeyspaceeventChannel("e|x", "k");
		assertThat(event).isEqualTo(new SubkeyspaceeventChannel("e", "x|k"));
	}

	@Test
	void rejectsMissingKeysAndEvents() {
		assertThatIllegalArgumentException().isThrownBy(() -> new KeyspaceChannel(null))
			.withMessage("keyOrPattern must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> new KeyspaceChannel(""))
			.withMessage("keyOrPattern must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> new KeyeventChannel(""))
			.withMessage("event must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> new SubkeyspaceChannel(null, 0))
			.withMessage("keyOrPattern must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> new SubkeyeventChannel(null))
			.withMessage("event must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> new SubkeyspaceitemChannel("", "f"))
			.withMessage("keyOrPattern must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> new SubkeyspaceitemChannel("k", null))
			.withMessage("subkeyOrPattern must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> new SubkeyspaceeventChannel("", "k"))
			.withMessage("event must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> new SubkeyspaceeventChannel("hset", null))
			.withMessage("keyOrPattern must not be null");
	}

	@Test
	void emptySubkeyIsAllowedAsHashFieldsMayBeEmpty() {
		assertThat(new SubkeyspaceitemChannel("h", "")).hasToString("__subkeyspaceitem@0__:h\n");
	}

	@Test
	void rejectsNegativeDatabases() {
		assertThatIllegalArgumentException().isThrownBy(() -> new KeyspaceChannel("k", -3))
			.withMessage("db must be >= 0, was -3");
		assertThatIllegalArgumentException().isThrownBy(() -> KeyeventChannel.allEvents(-1))
			.withMessage("db must be >= 0, was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> new SubkeyspaceChannel("k", -2))
			.withMessage("db must be >= 0, was -2");
		assertThatIllegalArgumentException().isThrownBy(() -> SubkeyeventChannel.allEvents(-4))
			.withMessage("db must be >= 0, was -4");
		assertThatIllegalArgumentException().isThrownBy(() -> new SubkeyspaceitemChannel("k", "f", -5))
			.withMessage("db must be >= 0, was -5");
		assertThatIllegalArgumentException().isThrownBy(() -> new SubkeyspaceeventChannel("e", "k", -6))
			.withMessage("db must be >= 0, was -6");
	}

}
