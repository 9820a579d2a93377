package io.keyspace.sample.browser;

import io.keyspace.sample.WebStack;

import org.springframework.test.context.ActiveProfiles;

/**
 * {@link SamplePageBrowserIT} with the {@code webflux} profile: the same page, with its feed,
 * its {@code receive()} panel and its form, served by WebFlux on Reactor Netty. Leaves
 * {@code target/sample-page-webflux.png}.
 */
@ActiveProfiles("webflux")
class SamplePageWebFluxBrowserIT extends SamplePageBrowserIT {

	@Override
	WebStack stack() {
		return WebStack.REACTIVE;
	}

	@Override
	String screenshot() {
		return "sample-page-webflux.png";
	}

}
