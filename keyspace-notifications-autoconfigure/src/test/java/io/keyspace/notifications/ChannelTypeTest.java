package io.keyspace.notifications;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class ChannelTypeTest {

	@ParameterizedTest
	@CsvSource({ "KEYSPACE, __keyspace@", "KEYEVENT, __keyevent@", "SUBKEYSPACE, __subkeyspace@",
			"SUBKEYEVENT, __subkeyevent@", "SUBKEYSPACEITEM, __subkeyspaceitem@",
			"SUBKEYSPACEEVENT, __subkeyspaceevent@" })
	void prefixes(ChannelType type, String prefix) {
		assertThat(type.prefix()).isEqualTo(prefix);
	}

	@ParameterizedTest
	@CsvSource({ "__keyspace@0__:k, KEYSPACE", "__keyevent@0__:set, KEYEVENT", "__subkeyspace@0__:h, SUBKEYSPACE",
			"__subkeyevent@0__:hset, SUBKEYEVENT", "__subkeyspaceitem@0__:h, SUBKEYSPACEITEM",
			"__subkeyspaceevent@0__:hset|h, SUBKEYSPACEEVENT", "__keyspace@*__:k, KEYSPACE" })
	void recognisesEachKindFromStringAndBytes(String channel, ChannelType expected) {
		assertThat(ChannelType.of(channel)).contains(expected);
		assertThat(ChannelType.of(channel.getBytes(StandardCharsets.UTF_8))).contains(expected);
	}

	@Test
	void longerSubkeyspacePrefixesAreNotMistakenForSubkeyspace() {
		assertThat(ChannelType.of("__subkeyspaceitem@0__:k\nf")).contains(ChannelType.SUBKEYSPACEITEM);
		assertThat(ChannelType.of("__subkeyspaceevent@0__:hset|k")).contains(ChannelType.SUBKEYSPACEEVENT);
		assertThat(ChannelType.of("__subkeyspace@0__:item")).contains(ChannelType.SUBKEYSPACE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "news", "_", "__", "__keyspace", "__keyspace0__:k", "__KEYSPACE@0__:k",
			" __keyspace@0__:k", "__subkey@0__:k", "keyspace@0__:k" })
	void rejectsOtherChannels(String channel) {
		assertThat(ChannelType.of(channel)).isEmpty();
		assertThat(ChannelType.of(channel.getBytes(StandardCharsets.UTF_8))).isEmpty();
	}

	@Test
	void nullIsNoChannel() {
		assertThat(ChannelType.of((String) null)).isEmpty();
		assertThat(ChannelType.of((byte[]) null)).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(value = ChannelType.class, names = { "KEYSPACE", "SUBKEYSPACE", "SUBKEYSPACEITEM" })
	void keyspaceKindsCarryTheKeyInTheChannel(ChannelType type) {
		assertThat(type.keyInChannel()).isTrue();
	}

	@ParameterizedTest
	@EnumSource(value = ChannelType.class, names = { "KEYEVENT", "SUBKEYEVENT", "SUBKEYSPACEEVENT" })
	void eventKindsNameTheEventInTheChannel(ChannelType type) {
		assertThat(type.keyInChannel()).isFalse();
	}

}
