package io.keyspace.sample;

import java.util.Map;

import org.springframework.boot.web.server.MimeMappings;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.servlet.ConfigurableServletWebServerFactory;
import org.springframework.stereotype.Component;

/**
 * The page links to the project's docs, which the build copies to {@code static/docs/}: serve
 * {@code .md} as UTF-8 text, so the browser shows them instead of downloading them.
 */
@Component
class DocsAsText implements WebServerFactoryCustomizer<ConfigurableServletWebServerFactory> {

	@Override
	public void customize(ConfigurableServletWebServerFactory factory) {
		factory.addMimeMappings(new MimeMappings(Map.of("md", "text/plain;charset=UTF-8")));
	}

}
