package io.keyspace.notifications;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class KeyNotificationParseTest {

	// Not valid UTF-8 on purpose: a lone 0xFF and a truncated two-byte sequence.
	private static final byte[] AWKWARD_KEY = concat(utf8("k\n|,:"), new byte[] { (byte) 0xFF, (byte) 0xC3 },
			utf8("ü*"));

	@Test
	void keyspace() {
		KeyNotification n = parse("__keyspace@0__:user:1", "set");
		assertThat(n.type()).isEqualTo(ChannelType.KEYSPACE);
		assertThat(n.database()).isZero();
		assertThat(n.key()).isEqualTo("user:1");
		assertThat(n.keyBytes()).isEqualTo(utf8("user:1"));
		assertThat(n.event()).isSameAs(EventType.SET);
		assertThat(n.subkeys()).isEmpty();
		assertThat(n.subkeyBytes()).isEmpty();
		assertThat(n.channel()).isEqualTo("__keyspace@0__:user:1");
		assertThat(n.isKeyspace()).isTrue();
		assertThat(n.pattern()).isNull();
		assertThat(n.node()).isNull();
	}

	@Test
	void keyevent() {
		KeyNotification n = parse("__keyevent@3__:expired", "session:9");
		assertThat(n.type()).isEqualTo(ChannelType.KEYEVENT);
		assertThat(n.database()).isEqualTo(3);
		assertThat(n.key()).isEqualTo("session:9");
		assertThat(n.event()).isEqualTo(EventType.EXPIRED);
		assertThat(n.subkeys()).isEmpty();
		assertThat(n.isKeyspace()).isFalse();
	}

	@Test
	void keyeventWithEmptyKey() {
		KeyNotification n = parse("__keyevent@0__:set", "");
		assertThat(n.key()).isEmpty();
		assertThat(n.keyBytes()).isEmpty();
	}

	@Test
	void subkeyspaceCountsLengthsInBytes() {
		KeyNotification n = parse("__subkeyspace@0__:myhash", "hset|6:日本,1:x");
		assertThat(n.type()).isEqualTo(ChannelType.SUBKEYSPACE);
		assertThat(n.key()).isEqualTo("myhash");
		assertThat(n.event()).isSameAs(EventType.HSET);
		assertThat(n.subkeys()).containsExactly("日本", "x");
		assertThat(n.subkeyBytes()).containsExactly(utf8("日本"), utf8("x"));
		assertThat(n.isKeyspace()).isTrue();
	}

	@Test
	void subkeyevent() {
		KeyNotification n = parse("__subkeyevent@0__:hset", "8:ключ|2:f1");
		assertThat(n.type()).isEqualTo(ChannelType.SUBKEYEVENT);
		assertThat(n.key()).isEqualTo("ключ");
		assertThat(n.event()).isEqualTo("hset");
		assertThat(n.subkeys()).containsExactly("f1");
		assertThat(n.isKeyspace()).isFalse();
	}

	@Test
	void subkeyeventKeyMayHoldTheSeparators() {
		KeyNotification n = parse("__subkeyevent@0__:hdel", "7:a|b,c:d|3:f|1,0:");
		assertThat(n.key()).isEqualTo("a|b,c:d");
		assertThat(n.subkeys()).containsExactly("f|1", "");
	}

	@Test
	void subkeyspaceitemSplitsAtTheFirstNewline() {
		KeyNotification n = parse("__subkeyspaceitem@0__:myhash\nfield\nwith newline", "hdel");
		assertThat(n.type()).isEqualTo(ChannelType.SUBKEYSPACEITEM);
		assertThat(n.key()).isEqualTo("myhash");
		assertThat(n.subkeys()).containsExactly("field\nwith newline");
		assertThat(n.event()).isEqualTo(EventType.HDEL);
		assertThat(n.isKeyspace()).isTrue();
	}

	@Test
	void subkeyspaceitemWithEmptySubkey() {
		KeyNotification n = parse("__subkeyspaceitem@0__:myhash\n", "hset");
		assertThat(n.subkeys()).containsExactly("");
	}

	@Test
	void subkeyspaceeventSplitsAtTheFirstBar() {
		KeyNotification n = parse("__subkeyspaceevent@0__:hset|my|hash", "1:a,2:bc");
		assertThat(n.type()).isEqualTo(ChannelType.SUBKEYSPACEEVENT);
		assertThat(n.event()).isEqualTo("hset");
		assertThat(n.key()).isEqualTo("my|hash");
		assertThat(n.subkeys()).containsExactly("a", "bc");
		assertThat(n.isKeyspace()).isFalse();
	}

	@Test
	void binarySubkeysKeepTheirBytes() {
		byte[] field = { (byte) 0xFF, 0, (byte) 0xC3 };
		KeyNotification n = parse(utf8("__subkeyspace@0__:h"), concat(utf8("hset|3:"), field, utf8(",2:"),
				new byte[] { (byte) 0xE2, (byte) 0x82 }), null).orElseThrow();
		assertThat(n.subkeyBytes()).containsExactly(field, new byte[] { (byte) 0xE2, (byte) 0x82 });
		assertThat(n.subkeys()).containsExactly("\uFFFD\u0000\uFFFD", "\uFFFD");
	}

	@ParameterizedTest
	@EnumSource(ChannelType.class)
	void awkwardKeysRoundTripOnEveryKind(ChannelType type) {
		// The server never emits subkeyspaceitem for a key holding '\n'.
		byte[] key = (type == ChannelType.SUBKEYSPACEITEM) ? withoutNewlines(AWKWARD_KEY) : AWKWARD_KEY;
		Wire wire = Wire.of(type, "7", key, "hset", utf8("f"));
		KeyNotification n = parse(wire.channel(), wire.message(), null).orElseThrow();
		assertThat(n.keyBytes()).isEqualTo(key);
		assertThat(n.key()).isEqualTo(new String(key, StandardCharsets.UTF_8)).contains("\uFFFD");
		assertThat(n.database()).isEqualTo(7);
		assertThat(n.type()).isEqualTo(type);
		assertThat(n.channel()).isEqualTo(new String(wire.channel(), StandardCharsets.UTF_8));
	}

	@ParameterizedTest
	@EnumSource(ChannelType.class)
	void anyDatabaseIsMinusOne(ChannelType type) {
		Wire wire = Wire.of(type, "*", utf8("k"), "del", utf8("f"));
		assertThat(parse(wire.channel(), wire.message(), null)).hasValueSatisfying(
				(n) -> assertThat(n.database()).isEqualTo(-1));
	}

	@ParameterizedTest
	@EnumSource(ChannelType.class)
	void keyPrefixFiltersAndStrips(ChannelType type) {
		byte[] prefix = utf8("app:");
		Wire inside = Wire.of(type, "0", utf8("app:user:1"), "hset", utf8("f"));
		Wire outside = Wire.of(type, "0", utf8("other:1"), "hset", utf8("f"));
		Wire exactlyPrefix = Wire.of(type, "0", prefix, "hset", utf8("f"));

		KeyNotification n = parse(inside.channel(), inside.message(), prefix).orElseThrow();
		assertThat(n.key()).isEqualTo("user:1");
		assertThat(n.keyBytes()).isEqualTo(utf8("user:1"));
		assertThat(n.channel()).isEqualTo(new String(inside.channel(), StandardCharsets.UTF_8));
		assertThat(parse(outside.channel(), outside.message(), prefix)).isEmpty();
		assertThat(parse(exactlyPrefix.channel(), exactlyPrefix.message(), prefix)).hasValueSatisfying(
				(m) -> assertThat(m.key()).isEmpty());
		assertThat(parse(inside.channel(), inside.message(), new byte[0])).hasValueSatisfying(
				(m) -> assertThat(m.key()).isEqualTo("app:user:1"));
	}

	@Test
	void binaryKeyPrefix() {
		byte[] prefix = { (byte) 0xFF, ':' };
		byte[] channel = concat(utf8("__keyspace@0__:"), prefix, utf8("k"));
		assertThat(parse(channel, utf8("set"), prefix)).hasValueSatisfying((n) -> assertThat(n.key()).isEqualTo("k"));
		assertThat(parse(channel, utf8("set"), new byte[] { (byte) 0xFE, ':' })).isEmpty();
	}

	@Test
	void unknownEventsPassThrough() {
		assertThat(parse("__keyspace@0__:k", "hexpired-soon").event()).isEqualTo("hexpired-soon");
		assertThat(parse("__keyevent@0__:brand_new", "k").event()).isEqualTo("brand_new");
		assertThat(parse("__subkeyspace@0__:h", "hfuture|1:f").event()).isEqualTo("hfuture");
	}

	@Test
	void everyKnownEventIsTheSharedConstant() {
		for (String event : EventType.all()) {
			assertThat(parse("__keyspace@0__:k", event).event()).as(event).isSameAs(event);
		}
	}

	@Test
	void largestDatabaseNumber() {
		assertThat(parse("__keyspace@2147483647__:k", "set").database()).isEqualTo(Integer.MAX_VALUE);
	}

	@ParameterizedTest
	@MethodSource("malformed")
	void malformedIsEmpty(String channel, String message) {
		assertThat(parse(utf8(channel), utf8(message), null)).isEmpty();
	}

	static Stream<Arguments> malformed() {
		return Stream.of(
				// not a notification channel, or a broken header
				arguments("news", "set"), arguments("__keyspace", "set"), arguments("__keyspace@", "set"),
				arguments("__keyspace@0", "set"), arguments("__keyspace@0__", "set"),
				arguments("__keyspace@0_:k", "set"), arguments("__keyspace@__:k", "set"),
				arguments("__keyspace@x__:k", "set"), arguments("__keyspace@-1__:k", "set"),
				arguments("__keyspace@ 0__:k", "set"), arguments("__keyspace@**__:k", "set"),
				arguments("__keyspace@*0__:k", "set"), arguments("__keyspace@2147483648__:k", "set"),
				arguments("__keyspace@99999999999999999999__:k", "set"), arguments("__unknown@0__:k", "set"),
				// empty event
				arguments("__keyspace@0__:k", ""), arguments("__keyevent@0__:", "k"),
				arguments("__subkeyspace@0__:h", "|1:f"), arguments("__subkeyevent@0__:", "1:k|1:f"),
				arguments("__subkeyspaceitem@0__:h\nf", ""), arguments("__subkeyspaceevent@0__:|h", "1:f"),
				// subkeyspace: missing '|', bad or missing list
				arguments("__subkeyspace@0__:h", "hset"), arguments("__subkeyspace@0__:h", "hset|"),
				arguments("__subkeyspace@0__:h", "hset|1:"), arguments("__subkeyspace@0__:h", "hset|2:f"),
				arguments("__subkeyspace@0__:h", "hset|1:f,"), arguments("__subkeyspace@0__:h", "hset|1:f,,1:g"),
				arguments("__subkeyspace@0__:h", "hset|1:fg"), arguments("__subkeyspace@0__:h", "hset|1:f;1:g"),
				arguments("__subkeyspace@0__:h", "hset|x:f"), arguments("__subkeyspace@0__:h", "hset|:f"),
				arguments("__subkeyspace@0__:h", "hset|-1:f"), arguments("__subkeyspace@0__:h", "hset|1f"),
				arguments("__subkeyspace@0__:h", "hset|1"), arguments("__subkeyspace@0__:h", "hset|2147483648:f"),
				arguments("__subkeyspace@0__:h", "hset|99999999999999999999:f"),
				arguments("__subkeyspace@0__:h", "hset|1:f,x"), arguments("__subkeyspace@0__:h", "hset|日:f"),
				// subkeyevent: bad key length, missing '|', missing list
				arguments("__subkeyevent@0__:hset", "3:abc"), arguments("__subkeyevent@0__:hset", "3:ab"),
				arguments("__subkeyevent@0__:hset", "3:abcX1:f"), arguments("__subkeyevent@0__:hset", "abc|1:f"),
				arguments("__subkeyevent@0__:hset", ":abc|1:f"), arguments("__subkeyevent@0__:hset", "3:abc|"),
				arguments("__subkeyevent@0__:hset", "3:abc|1:fg"), arguments("__subkeyevent@0__:hset", ""),
				arguments("__subkeyevent@0__:hset", "2147483647:abc|1:f"),
				// subkeyspaceitem: no newline
				arguments("__subkeyspaceitem@0__:h", "hset"), arguments("__subkeyspaceitem@0__:", "hset"),
				// subkeyspaceevent: no '|', bad list
				arguments("__subkeyspaceevent@0__:hset", "1:f"), arguments("__subkeyspaceevent@0__:hset|h", ""),
				arguments("__subkeyspaceevent@0__:hset|h", "1:"), arguments("__subkeyspaceevent@0__:hset|h", "f"),
				arguments("__subkeyspaceevent@0__:hset|h", "1:f,"));
	}

	@Test
	void nullsAreEmptyNotErrors() {
		assertThat(KeyNotification.parse(null, utf8("set"), null)).isEmpty();
		assertThat(KeyNotification.parse(utf8("__keyspace@0__:k"), null, null)).isEmpty();
		assertThat(KeyNotification.parse(null, null, null)).isEmpty();
		assertThat(KeyNotification.parse(null, null, null, null, null)).isEmpty();
		assertThat(KeyNotification.parse(utf8("__keyspace@0__:k"), utf8("set"), null, null, null)).isPresent();
	}

	@Test
	void patternAndNode() {
		KeyNotification n = KeyNotification
			.parse(utf8("__keyspace@0__:user:1"), utf8("del"), null, utf8("__keyspace@0__:user:*"), "10.0.0.1:6379")
			.orElseThrow();
		assertThat(n.pattern()).isEqualTo("__keyspace@0__:user:*");
		assertThat(n.node()).isEqualTo("10.0.0.1:6379");
		assertThat(n.toString()).contains("user:1", "del", "__keyspace@0__:user:*", "10.0.0.1:6379");
	}

	@Test
	void keyStartsWithComparesBytes() {
		byte[] channel = concat(utf8("__keyspace@0__:app:日本:"), new byte[] { (byte) 0xFF });
		KeyNotification n = parse(channel, utf8("set"), utf8("app:")).orElseThrow();
		assertThat(n.keyStartsWith("日本")).isTrue();
		assertThat(n.keyStartsWith("日本:")).isTrue();
		assertThat(n.keyStartsWith("")).isTrue();
		assertThat(n.keyStartsWith("app:")).isFalse();
		assertThat(n.keyStartsWith("日本:\uFFFD")).isFalse();
		assertThat(n.keyStartsWith("日本:x-longer-than-key")).isFalse();
	}

	@Test
	void equalByContent() {
		KeyNotification a = parse("__subkeyspace@0__:h", "hset|1:f,1:g");
		KeyNotification b = parse("__subkeyspace@0__:h", "hset|1:f,1:g");
		assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
		assertThat(a).isNotEqualTo(parse("__subkeyspace@0__:h", "hset|1:f,1:x"))
			.isNotEqualTo(parse("__subkeyspace@0__:h", "hdel|1:f,1:g"))
			.isNotEqualTo(parse("__subkeyspace@1__:h", "hset|1:f,1:g"))
			.isNotEqualTo(KeyNotification.parse(utf8("__subkeyspace@0__:h"), utf8("hset|1:f,1:g"), null, null, "n:1")
				.orElseThrow());
	}

	@Test
	void equalWhenTheSameKeyComesFromDifferentSlicesOfTheWire() {
		KeyNotification a = parse(utf8("__keyspace@0__:p:k"), utf8("set"), utf8("p:")).orElseThrow();
		KeyNotification b = parse(utf8("__keyspace@0__:p:k"), utf8("set"), utf8("p:")).orElseThrow();
		assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
		assertThat(a).isNotEqualTo(parse(utf8("__keyspace@0__:p:k"), utf8("set"), null).orElseThrow());
	}

	@Test
	void valuesCannotBeChangedFromOutside() {
		KeyNotification n = parse("__subkeyspace@0__:h", "hset|1:f");
		n.keyBytes()[0] = 'x';
		n.subkeyBytes().get(0)[0] = 'x';
		assertThat(n.key()).isEqualTo("h");
		assertThat(n.subkeys()).containsExactly("f");
		List<String> subkeys = n.subkeys();
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> subkeys.add("g"));
		List<byte[]> subkeyBytes = n.subkeyBytes();
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(subkeyBytes::clear);
	}

	@Test
	void readableToString() {
		assertThat(parse("__subkeyspace@2__:h", "hset|1:f,1:g"))
			.hasToString("KeyNotification[type=SUBKEYSPACE, database=2, key=h, event=hset, subkeys=[f, g]]");
	}

	private static KeyNotification parse(String channel, String message) {
		return parse(utf8(channel), utf8(message), null).orElseThrow();
	}

	private static Optional<KeyNotification> parse(byte[] channel, byte[] message, byte[] keyPrefix) {
		return KeyNotification.parse(channel, message, keyPrefix);
	}

	static byte[] utf8(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

	static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	private static byte[] withoutNewlines(byte[] key) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte b : key) {
			if (b != '\n') {
				out.write(b);
			}
		}
		return out.toByteArray();
	}

	/** The wire form of a notification with one subkey, built the way the server writes it. */
	record Wire(byte[] channel, byte[] message) {

		static Wire of(ChannelType type, String db, byte[] key, String event, byte[] subkey) {
			byte[] header = utf8(type.prefix() + db + "__:");
			byte[] ev = utf8(event);
			byte[] list = concat(utf8(subkey.length + ":"), subkey);
			return switch (type) {
				case KEYSPACE -> new Wire(concat(header, key), ev);
				case KEYEVENT -> new Wire(concat(header, ev), key);
				case SUBKEYSPACE -> new Wire(concat(header, key), concat(ev, utf8("|"), list));
				case SUBKEYEVENT -> new Wire(concat(header, ev), concat(utf8(key.length + ":"), key, utf8("|"), list));
				case SUBKEYSPACEITEM -> new Wire(concat(header, key, utf8("\n"), subkey), ev);
				case SUBKEYSPACEEVENT -> new Wire(concat(header, ev, utf8("|"), key), list);
			};
		}

	}

}
