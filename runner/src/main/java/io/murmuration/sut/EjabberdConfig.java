package io.murmuration.sut;

import java.nio.file.Path;

/**
 * The two files a {@link LocalEjabberd} runs from: {@code ejabberd.yml} and {@code
 * ejabberdctl.cfg}.
 */
final class EjabberdConfig {
  private EjabberdConfig() {}

  /**
   * The server config. What matters for load, against the Debian default config: the c2s shaper is
   * {@code none} (the default {@code normal} caps each connection at 1,000 B/s), listener backlogs
   * are 4,096 (default 5: bursts of connects get reset), passwords are stored plain (with {@code
   * scram} storage every PLAIN login costs 4,096 HMAC rounds), {@code registration_timeout:
   * infinity} (default: one in-band registration per IP per 600 s).
   *
   * <p>What the shipped scenarios need is on: MUC (XEP-0045, rooms archived), MAM (XEP-0313, every
   * message archived, unless {@code archive} is false), PubSub with PEP (XEP-0060, XEP-0163; {@code
   * mod_caps} for +notify), stream management (XEP-0198, sessions resumable for 300 s), and the
   * HTTP listener serves WebSocket (RFC 7395) on {@code /ws} and BOSH (XEP-0206) on {@code /bosh}
   * beside the HTTP API; a second HTTP listener on {@code httpsPort} serves both over TLS (wss,
   * https), with the certificate that STARTTLS uses.
   *
   * <p>Push notifications (XEP-0357): {@code mod_push} publishes to the app server a user names,
   * with the message's text and sender when {@code pushBody} is true ({@code include_body}, {@code
   * include_sender}) and no summary form at all when false; {@code mod_push_keepalive} keeps a
   * push-enabled user's session resumable (here for the same 300 s as any other, so a test's left-
   * over session does not linger for its default 72 h). An external component (XEP-0114, {@code
   * ejabberd_service}) listens on {@code componentPort} for {@code componentDomain} with {@code
   * componentSecret} (hex: safe in YAML): where the runner's push app server connects.
   */
  static String yaml(
      String domain,
      int c2sPort,
      int httpPort,
      int httpsPort,
      Path pem,
      Path folder,
      boolean archive,
      int componentPort,
      String componentDomain,
      String componentSecret,
      boolean pushBody) {
    return """
        hosts:
          - "%1$s"
        loglevel: warning
        log_rotate_count: 0
        hide_sensitive_log_data: true
        certfiles:
          - "%4$s"

        listen:
          -
            port: %2$d
            ip: "127.0.0.1"
            module: ejabberd_c2s
            backlog: 4096
            shaper: none
            max_fsm_queue: 1000000
            max_stanza_size: 1048576
            access: c2s
            starttls: true
          -
            port: %3$d
            ip: "127.0.0.1"
            module: ejabberd_http
            backlog: 4096
            request_handlers:
              /api: mod_http_api
              /bosh: mod_bosh
              /ws: ejabberd_http_ws
          -
            port: %6$d
            ip: "127.0.0.1"
            module: ejabberd_http
            tls: true
            backlog: 4096
            request_handlers:
              /bosh: mod_bosh
              /ws: ejabberd_http_ws
          -
            port: %8$d
            ip: "127.0.0.1"
            module: ejabberd_service
            max_fsm_queue: 1000000
            hosts:
              "%9$s":
                password: "%10$s"

        auth_method: internal
        auth_password_format: plain
        registration_timeout: infinity
        max_fsm_queue: 1000000

        acl:
          loopback:
            ip:
              - 127.0.0.0/8

        access_rules:
          c2s:
            allow: all
          register:
            allow: all
          trusted_network:
            allow: loopback

        api_permissions:
          "ejabberdctl":
            from:
              - ejabberd_ctl
            who: all
            what: "*"
          "HTTP API from loopback":
            from:
              - mod_http_api
            who:
              ip: 127.0.0.0/8
            what: "*"

        shaper_rules:
          max_user_sessions: 10
          max_user_offline_messages: 100000

        modules:
          mod_admin_extra: {}
          mod_bosh: {}
          mod_caps: {}
          mod_disco: {}
          mod_http_api: {}
          mod_mam:
            default: %7$s
          mod_muc:
            access_create: all
            max_users: 10000
            max_user_conferences: 1000
            default_room_options:
              mam: true
          mod_pubsub:
            plugins:
              - flat
              - pep
            max_items_node: 1000
          mod_offline:
            access_max_user_messages: max_user_offline_messages
          mod_ping: {}
          mod_push:
            include_body: %11$s
            include_sender: %11$s
          mod_push_keepalive:
            resume_timeout: 300
          mod_register:
            access: register
            ip_access: trusted_network
          mod_roster: {}
          mod_stream_mgmt:
            resume_timeout: 300
        """
        .formatted(
            domain,
            c2sPort,
            httpPort,
            pem,
            folder,
            httpsPort,
            archive ? "always" : "never",
            componentPort,
            componentDomain,
            componentSecret,
            pushBody);
  }

  /**
   * The Erlang node name of the server in {@code folder}, with {@code host} (its loopback address)
   * after the {@code @}. It follows the folder, so a folder's Mnesia spool can be started again.
   */
  static String nodeName(Path folder, String host) {
    return "murm" + Integer.toHexString(folder.toString().hashCode()) + "@" + host;
  }

  /**
   * The settings {@code ejabberdctl} reads. A fixed distribution port means no epmd: the node
   * listens on {@code distAddress:distPort} and reaches every other node on that same port, so the
   * nodes of a cluster share the port and each has its own loopback address (127.0.0.1, .2, …).
   */
  static String ctlConfig(Path folder, String distAddress, int distPort, boolean clustered) {
    return """
        ERLANG_NODE=%1$s
        ERL_DIST_PORT=%2$d
        INET_DIST_INTERFACE=%4$s
        ERL_MAX_PORTS=65536
        ERL_PROCESSES=1000000
        ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0%5$s"
        EJABBERD_PID_PATH=%3$s
        EJABBERD_BYPASS_WARNINGS=true
        """
        .formatted(
            nodeName(folder, distAddress),
            distPort,
            folder.resolve("ejabberd.pid"),
            distAddress,
            // several VMs on few cores: idle schedulers must not spin (by default they busy-wait,
            // taking the CPU the other nodes and the runner need)
            clustered ? " +sbwt none +sbwtdcpu none +sbwtdio none" : "");
  }
}
