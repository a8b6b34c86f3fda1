// Thin C shim between Meet.PacketEngine (C#) and DPDK.
//
// rte_eth_rx_burst / rte_eth_tx_burst and most mbuf helpers are static inline in the DPDK
// headers, so there is no symbol to P/Invoke: this file gives them one. It deliberately knows
// nothing about Ethernet, IP or UDP; all protocol handling lives in C# (Meet.PacketEngine/Dpdk).
// Every function returns >= 0 on success and a negative errno-style value on failure.

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#define MEET_MAX_BURST 512

static struct rte_mempool *meet_pools[RTE_MAX_ETHPORTS];

int meet_dpdk_version(void)
{
    return 1;
}

int meet_dpdk_eal_init(int argc, char **argv)
{
    int rc = rte_eal_init(argc, argv);
    return rc < 0 ? -(rte_errno != 0 ? rte_errno : EINVAL) : rc;
}

int meet_dpdk_eal_cleanup(void)
{
    return rte_eal_cleanup();
}

const char *meet_dpdk_strerror(int error)
{
    return rte_strerror(error < 0 ? -error : error);
}

int meet_dpdk_port_count(void)
{
    return (int)rte_eth_dev_count_avail();
}

// Writes the driver name (e.g. "net_ring") of a port into name (NUL-terminated).
int meet_dpdk_port_driver(uint16_t port, char *name, uint32_t capacity)
{
    struct rte_eth_dev_info info;
    int rc;
    if (!rte_eth_dev_is_valid_port(port))
        return -ENODEV;
    rc = rte_eth_dev_info_get(port, &info);
    if (rc != 0)
        return rc;
    snprintf(name, capacity, "%s", info.driver_name != NULL ? info.driver_name : "");
    return 0;
}

// One rx and one tx queue; the pool is sized by the caller and lives until meet_dpdk_port_close.
// mac receives the port's 6-byte MAC address.
int meet_dpdk_port_start(uint16_t port, uint16_t rx_descriptors, uint16_t tx_descriptors,
                         uint32_t mbuf_count, uint32_t mbuf_cache, uint8_t *mac)
{
    struct rte_eth_conf conf;
    struct rte_ether_addr address;
    char pool_name[RTE_MEMPOOL_NAMESIZE];
    int socket;
    int rc;

    if (!rte_eth_dev_is_valid_port(port))
        return -ENODEV;
    socket = rte_eth_dev_socket_id(port);
    if (socket < 0)
        socket = (int)rte_socket_id();

    if (meet_pools[port] == NULL) {
        snprintf(pool_name, sizeof pool_name, "meet_mbuf_%u", port);
        meet_pools[port] = rte_pktmbuf_pool_create(pool_name, mbuf_count, mbuf_cache, 0,
                                                   RTE_MBUF_DEFAULT_BUF_SIZE, socket);
        if (meet_pools[port] == NULL)
            return -(rte_errno != 0 ? rte_errno : ENOMEM);
    }

    memset(&conf, 0, sizeof conf);
    rc = rte_eth_dev_configure(port, 1, 1, &conf);
    if (rc != 0)
        return rc;
    rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &rx_descriptors, &tx_descriptors);
    if (rc != 0)
        return rc;
    rc = rte_eth_rx_queue_setup(port, 0, rx_descriptors, (unsigned)socket, NULL, meet_pools[port]);
    if (rc != 0)
        return rc;
    rc = rte_eth_tx_queue_setup(port, 0, tx_descriptors, (unsigned)socket, NULL);
    if (rc != 0)
        return rc;
    rc = rte_eth_dev_start(port);
    if (rc != 0)
        return rc;
    rc = rte_eth_macaddr_get(port, &address);
    if (rc != 0)
        return rc;
    memcpy(mac, address.addr_bytes, RTE_ETHER_ADDR_LEN);
    return 0;
}

int meet_dpdk_port_close(uint16_t port)
{
    int rc;
    if (!rte_eth_dev_is_valid_port(port))
        return -ENODEV;
    rc = rte_eth_dev_stop(port);
    if (rc != 0 && rc != -EINVAL)
        return rc;
    // The pool stays: DPDK cannot free a pool whose mbufs a stopped (not closed) port may still
    // reference, and a later start of the same port reuses it.
    return 0;
}

// Receives up to count frames without copying: mbufs[i] is the buffer to hand back to
// meet_dpdk_rx_release, data[i] its first byte and lengths[i] the frame length. A frame spread over
// several segments (only possible above the pool's 2 KiB data room, i.e. beyond any MTU we accept)
// reports its length negated so the caller drops it as oversized.
int meet_dpdk_rx_peek(uint16_t port, uint16_t queue, void **mbufs, const uint8_t **data,
                      int32_t *lengths, uint16_t count)
{
    struct rte_mbuf **received_mbufs = (struct rte_mbuf **)mbufs;
    uint16_t received;
    uint16_t i;

    if (count > MEET_MAX_BURST)
        count = MEET_MAX_BURST;
    received = rte_eth_rx_burst(port, queue, received_mbufs, count);
    for (i = 0; i < received; i++) {
        struct rte_mbuf *m = received_mbufs[i];
        data[i] = rte_pktmbuf_mtod(m, const uint8_t *);
        lengths[i] = m->nb_segs == 1 ? (int32_t)rte_pktmbuf_data_len(m) : -(int32_t)rte_pktmbuf_pkt_len(m);
        rte_prefetch0(data[i]);
    }
    return received;
}

void meet_dpdk_rx_release(void **mbufs, uint16_t count)
{
    if (count > 0)
        rte_pktmbuf_free_bulk((struct rte_mbuf **)mbufs, count);
}

// Builds count frames, frame i being headers[i * header_length ..] (header_length bytes, may be
// 0) followed by payload_lengths[i] bytes from payloads[i], and transmits them. Returns how many the
// driver accepted; the rest are freed here and are the caller's to count as drops.
int meet_dpdk_tx_burst(uint16_t port, uint16_t queue, const uint8_t *headers, uint32_t header_length,
                       const uint8_t *const *payloads, const int32_t *payload_lengths, uint16_t count)
{
    struct rte_mbuf *mbufs[MEET_MAX_BURST];
    uint16_t sent;
    uint16_t i;

    if (count > MEET_MAX_BURST)
        count = MEET_MAX_BURST;
    if (count == 0)
        return 0;
    if (port >= RTE_MAX_ETHPORTS || meet_pools[port] == NULL)
        return -ENODEV;
    if (rte_pktmbuf_alloc_bulk(meet_pools[port], mbufs, count) != 0)
        return -ENOBUFS;
    for (i = 0; i < count; i++) {
        uint32_t payload_length = (uint32_t)payload_lengths[i];
        uint8_t *data = (uint8_t *)rte_pktmbuf_append(mbufs[i], (uint16_t)(header_length + payload_length));
        if (data == NULL) {
            rte_pktmbuf_free_bulk(mbufs, count);
            return -EMSGSIZE;
        }
        if (header_length > 0)
            memcpy(data, headers + (size_t)i * header_length, header_length);
        memcpy(data + header_length, payloads[i], payload_length);
    }
    sent = rte_eth_tx_burst(port, queue, mbufs, count);
    if (sent < count)
        rte_pktmbuf_free_bulk(mbufs + sent, count - sent);
    return sent;
}

// Largest frame one mbuf holds (the pool's data room); larger frames must not reach tx_burst.
int meet_dpdk_max_frame(uint16_t port)
{
    if (port >= RTE_MAX_ETHPORTS || meet_pools[port] == NULL)
        return -ENODEV;
    return (int)rte_pktmbuf_data_room_size(meet_pools[port]) - RTE_PKTMBUF_HEADROOM;
}

// stats: ipackets, opackets, ibytes, obytes, imissed, ierrors, oerrors, rx_nombuf.
int meet_dpdk_port_stats(uint16_t port, uint64_t *stats)
{
    struct rte_eth_stats s;
    int rc = rte_eth_stats_get(port, &s);
    if (rc != 0)
        return rc;
    stats[0] = s.ipackets;
    stats[1] = s.opackets;
    stats[2] = s.ibytes;
    stats[3] = s.obytes;
    stats[4] = s.imissed;
    stats[5] = s.ierrors;
    stats[6] = s.oerrors;
    stats[7] = s.rx_nombuf;
    return 0;
}

// A thread that is not an EAL lcore has no mempool cache: every alloc/free then goes to the
// shared ring, which costs about a third of the throughput. Registering gives it an lcore id.
int meet_dpdk_thread_register(void)
{
    int rc = rte_thread_register();
    return rc < 0 ? -(rte_errno != 0 ? rte_errno : EINVAL) : (int)rte_lcore_id();
}

void meet_dpdk_thread_unregister(void)
{
    rte_thread_unregister();
}
