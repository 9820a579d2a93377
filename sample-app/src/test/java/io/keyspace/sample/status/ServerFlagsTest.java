package io.keyspace.sample.status;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServerFlagsTest {

	@Test
	void everythingTheSampleNeedsIsThereWithAAsAllClasses() {
		assertThat(ServerFlags.missing("KEA")).isEmpty();
		assertThat(ServerFlags.missing("AKE")).isEmpty();
		assertThat(ServerFlags.missing("KE$gx")).isEmpty();
	}

	@Test
	void namesWhatIsMissing() {
		assertThat(ServerFlags.missing("")).isEqualTo("KE$gx");
		assertThat(ServerFlags.missing("Ex")).isEqualTo("K$g");
		assertThat(ServerFlags.missing("K$g")).isEqualTo("Ex");
		assertThat(ServerFlags.missing("KEm")).isEqualTo("$gx"); // m (key misses) is not in A and not needed
	}

}
