// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host side of a simulator under test (see test_lib.h): delivery and
 * TX-ready hooks that stand in for the RPC core, requests framed by hand,
 * typed requests, devicetrees and images, counters, and the suites' init
 * and exit.
 *
 * Locking: see test_lib.h.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/gunyah.h>
#include <linux/gfp.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/wait.h>

#include "test_lib.h"

/* The simulator's delivery hook: our own parser of what the RM sends. */
void simt_deliver(struct gunyah_rm_sim *sim, const void *msg, size_t len)
{
	struct simt_ctx *c = sim->hook_data;
	const struct gunyah_rm_hdr *h = msg;
	unsigned int type = h->type & 3, cont = h->type >> 2;

	spin_lock(&c->lock);
	c->n_msgs++;
	if (len < GUNYAH_RM_HDR_SIZE || len > GUNYAH_RM_MSG_SIZE ||
	    h->api != GUNYAH_RM_HDR_API)
		goto out;
	len -= GUNYAH_RM_HDR_SIZE;
	if (type == GUNYAH_RM_TYPE_NOTIF) {
		if (cont == 0 && c->n_notifs < T_NOTIFS) {
			struct simt_notif *n = &c->notifs[c->n_notifs++];

			n->msg_id = le32_to_cpu(h->msg_id);
			n->len = len;
			memcpy(n->data, h + 1, len);
		}
	} else if (type == GUNYAH_RM_TYPE_REPLY) {
		c->in_reply = true;
		c->reply_done = false;
		c->reply_seq = le16_to_cpu(h->seq);
		c->reply_cont = cont;
		c->reply_got = 0;
		memcpy(c->reply, h + 1, len);
		c->reply_len = len;
	} else if (type == GUNYAH_RM_TYPE_CONTINUATION && c->in_reply &&
		   c->reply_got < c->reply_cont) {
		c->reply_got++;
		memcpy(c->reply + c->reply_len, h + 1, len);
		c->reply_len += len;
	}
	if (c->in_reply && c->reply_got == c->reply_cont) {
		c->in_reply = false;
		c->reply_done = true;
	}
out:
	spin_unlock(&c->lock);
	wake_up(&c->wq);
}

int simt_send_raw(struct simt_ctx *c, const void *msg, size_t len, bool push)
{
	int ret, tries = 0;

	do {
		ret = c->sim->t.send(&c->sim->t, msg, len, push);
		if (ret == -EAGAIN)
			usleep_range(50, 100);
	} while (ret == -EAGAIN && ++tries < 100000);
	return ret;
}

/* Send a request as the RPC core would, fragmented. */
int simt_send_req(struct simt_ctx *c, u32 msg_id, u16 seq, const void *req,
		  size_t len)
{
	unsigned int cont = len ? (len - 1) / GUNYAH_RM_FRAG_PAYLOAD : 0, i;
	u8 msg[GUNYAH_RM_MSG_SIZE];
	size_t done = 0;
	int ret;

	for (i = 0; i <= cont; i++) {
		struct gunyah_rm_hdr *h = (void *)msg;
		size_t n = min_t(size_t, len - done, GUNYAH_RM_FRAG_PAYLOAD);

		h->api = 0x21;
		h->type = (i ? 0 : 1) | cont << 2;
		h->seq = cpu_to_le16(seq);
		h->msg_id = cpu_to_le32(msg_id);
		memcpy(h + 1, (const u8 *)req + done, n);
		done += n;
		ret = simt_send_raw(c, msg, GUNYAH_RM_HDR_SIZE + n, i == cont);
		if (ret)
			return ret;
	}
	return 0;
}

/* The RPC core's mapping of RM errors to errnos. */
int simt_errno(u32 rm_error)
{
	return gunyah_rm_error_remap(rm_error);
}

/*
 * Make a call and wait for its reply. Returns the errno of the RM's
 * answer, or -ETIMEDOUT if none came within @timeout.
 */
int simt_call_timeout(struct simt_ctx *c, u32 msg_id, const void *req,
		      size_t len, void *resp, size_t *resp_len,
		      long timeout)
{
	u16 seq = ++c->seq;
	size_t got;
	u32 err;
	int ret;

	spin_lock(&c->lock);
	c->reply_done = false;
	spin_unlock(&c->lock);

	ret = simt_send_req(c, msg_id, seq, req, len);
	if (ret)
		return ret;
	if (!wait_event_timeout(c->wq, READ_ONCE(c->reply_done), timeout))
		return -ETIMEDOUT;

	spin_lock(&c->lock);
	c->reply_done = false;
	if (c->reply_seq != seq || c->reply_len < 4) {
		spin_unlock(&c->lock);
		return -EBADMSG;
	}
	err = get_unaligned_le32(c->reply);
	got = c->reply_len - 4;
	if (resp_len) {
		memcpy(resp, c->reply + 4, min(got, *resp_len));
		*resp_len = got;
	}
	spin_unlock(&c->lock);
	return simt_errno(err);
}

int simt_call(struct simt_ctx *c, u32 msg_id, const void *req, size_t len,
	      void *resp, size_t *resp_len)
{
	return simt_call_timeout(c, msg_id, req, len, resp, resp_len, T_TIMEOUT);
}

/* Wait for the notifications to arrive and count those matching. */
unsigned int simt_count_notifs(struct simt_ctx *c, u32 msg_id, u16 vmid,
			       int second)
{
	unsigned int i, n = 0;

	rm_sim_quiesce(c->sim);
	spin_lock(&c->lock);
	for (i = 0; i < c->n_notifs; i++) {
		const u8 *d = c->notifs[i].data;

		if (c->notifs[i].msg_id != msg_id)
			continue;
		/* VM notifications start with the vmid, memory ones with the handle. */
		if (msg_id == GUNYAH_RM_NOTIF_VM_STATUS &&
		    (get_unaligned_le16(d) != vmid || (second >= 0 && d[4] != second)))
			continue;
		if (msg_id == GUNYAH_RM_NOTIF_VM_EXITED &&
		    (get_unaligned_le16(d) != vmid ||
		     (second >= 0 && get_unaligned_le16(d + 2) != second)))
			continue;
		if ((msg_id == GUNYAH_RM_NOTIF_MEM_RELEASED ||
		     msg_id == GUNYAH_RM_NOTIF_MEM_ACCEPTED) &&
		    get_unaligned_le32(d) != (u32)second)
			continue;
		n++;
	}
	spin_unlock(&c->lock);
	return n;
}

void simt_clear_notifs(struct simt_ctx *c)
{
	rm_sim_quiesce(c->sim);
	spin_lock(&c->lock);
	c->n_notifs = 0;
	spin_unlock(&c->lock);
}

/* ---- Typed helpers ------------------------------------------------------ */

int simt_vm(struct simt_ctx *c, u32 msg_id, u16 vmid)
{
	struct gunyah_rm_vm_common_req r = { .vmid = cpu_to_le16(vmid) };

	return simt_call(c, msg_id, &r, sizeof(r), NULL, NULL);
}

int simt_alloc(struct simt_ctx *c, u16 vmid)
{
	struct gunyah_rm_vm_common_req r = { .vmid = cpu_to_le16(vmid) };
	__le32 resp = 0;
	size_t len = sizeof(resp);
	int ret;

	ret = simt_call(c, GUNYAH_RM_RPC_VM_ALLOC_VMID, &r, sizeof(r), &resp, &len);
	if (ret)
		return ret;
	if (!vmid)
		return len == sizeof(resp) ? le32_to_cpu(resp) : -EBADMSG;
	return len ? -EBADMSG : vmid;
}

int simt_stop(struct simt_ctx *c, u16 vmid, u8 flags)
{
	struct gunyah_rm_vm_stop_req r = {
		.vmid = cpu_to_le16(vmid),
		.flags = flags,
		.stop_reason = cpu_to_le32(GUNYAH_RM_VM_STOP_REASON_FORCE),
	};

	return simt_call(c, GUNYAH_RM_RPC_VM_STOP, &r, sizeof(r), NULL, NULL);
}

int simt_config(struct simt_ctx *c, u16 vmid, u32 handle, u64 dtb_off,
		u64 dtb_size)
{
	struct gunyah_rm_vm_config_image_req r = {
		.vmid = cpu_to_le16(vmid),
		.auth_mech = cpu_to_le16(GUNYAH_RM_AUTH_NONE),
		.mem_handle = cpu_to_le32(handle),
		.dtb_offset = cpu_to_le64(dtb_off),
		.dtb_size = cpu_to_le64(dtb_size),
	};

	return simt_call(c, GUNYAH_RM_RPC_VM_CONFIG_IMAGE, &r, sizeof(r), NULL, NULL);
}

/* MEM_LEND / MEM_SHARE of @n pages from @pages[], one SGL entry each. */
int simt_mem(struct simt_ctx *c, bool lend, u8 flags, u32 label,
	     const struct simt_acl *acl, unsigned int n_acl,
	     const u64 *phys, const u64 *sizes, unsigned int n,
	     u32 *handle)
{
	size_t len = sizeof(struct gunyah_rm_mem_share_req_hdr) + 3 * 4 +
		     n_acl * 4 + n * 16;
	struct gunyah_rm_mem_share_req_hdr *h;
	__le32 resp = 0;
	size_t rlen = sizeof(resp);
	unsigned int i;
	u8 *buf, *p;
	int ret;

	buf = kzalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	h = (void *)buf;
	h->mem_type = GUNYAH_RM_MEM_TYPE_NORMAL;
	h->flags = flags;
	h->label = cpu_to_le32(label);
	p = buf + sizeof(*h);
	put_unaligned_le16(n_acl, p);
	p += 4;
	for (i = 0; i < n_acl; i++, p += 4) {
		put_unaligned_le16(acl[i].vmid, p);
		p[2] = acl[i].perms;
	}
	put_unaligned_le16(n, p);
	p += 4;
	for (i = 0; i < n; i++, p += 16) {
		put_unaligned_le64(phys[i], p);
		put_unaligned_le64(sizes ? sizes[i] : PAGE_SIZE, p + 8);
	}
	put_unaligned_le16(0, p);	/* no attributes */

	ret = simt_call(c, lend ? GUNYAH_RM_RPC_MEM_LEND : GUNYAH_RM_RPC_MEM_SHARE,
			buf, len, &resp, &rlen);
	kfree(buf);
	if (!ret && rlen != sizeof(resp))
		ret = -EBADMSG;
	if (!ret)
		*handle = le32_to_cpu(resp);
	return ret;
}

int simt_lend1(struct simt_ctx *c, u16 vmid, u64 phys, u32 *handle)
{
	struct simt_acl acl = { vmid, GUNYAH_RM_ACL_RWX };

	return simt_mem(c, true, 0, 1, &acl, 1, &phys, NULL, 1, handle);
}

int simt_append(struct simt_ctx *c, u32 handle, u8 flags, const u64 *phys,
		unsigned int n)
{
	size_t len = sizeof(struct gunyah_rm_mem_append_req_hdr) + 4 + n * 16;
	struct gunyah_rm_mem_append_req_hdr *h;
	unsigned int i;
	u8 *buf, *p;
	int ret;

	buf = kzalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	h = (void *)buf;
	h->mem_handle = cpu_to_le32(handle);
	h->flags = flags;
	p = buf + sizeof(*h);
	put_unaligned_le16(n, p);
	p += 4;
	for (i = 0; i < n; i++, p += 16) {
		put_unaligned_le64(phys[i], p);
		put_unaligned_le64(PAGE_SIZE, p + 8);
	}
	ret = simt_call(c, GUNYAH_RM_RPC_MEM_APPEND, buf, len, NULL, NULL);
	kfree(buf);
	return ret;
}

int simt_reclaim(struct simt_ctx *c, u32 handle, u8 flags)
{
	struct gunyah_rm_mem_release_req r = {
		.mem_handle = cpu_to_le32(handle),
		.flags = flags,
	};

	return simt_call(c, GUNYAH_RM_RPC_MEM_RECLAIM, &r, sizeof(r), NULL, NULL);
}

unsigned int simt_n_vms(struct simt_ctx *c)
{
	struct rm_sim_vm *vm;
	unsigned long i;
	unsigned int n = 0;

	mutex_lock(&c->sim->lock);
	xa_for_each(&c->sim->vms, i, vm)
		n++;
	mutex_unlock(&c->sim->lock);
	return n;
}

/*
 * Drop a VM the RM can never free (its CONFIG_IMAGE was refused), as only
 * a reboot of the RM would, so that the test leaves nothing behind.
 */
void simt_forget_vm(struct simt_ctx *c, u16 vmid)
{
	struct rm_sim_vm *vm;

	mutex_lock(&c->sim->lock);
	vm = rm_sim_vm_lookup(c->sim, vmid);
	if (vm)
		rm_sim_vm_free(c->sim, vm);
	mutex_unlock(&c->sim->lock);
}

u8 simt_state(struct simt_ctx *c, u16 vmid)
{
	struct rm_sim_vm *vm;
	u8 state;

	mutex_lock(&c->sim->lock);
	vm = rm_sim_vm_lookup(c->sim, vmid);
	state = vm ? vm->state : GUNYAH_RM_VM_STATUS_NO_STATE;
	mutex_unlock(&c->sim->lock);
	return state;
}

/* ---- Guest memory and devicetrees ---------------------------------------- */

/* Labels of the doorbells DT_BELLS adds. */

#define DT(call) do { if (!ret) ret = (call); } while (0)

/* The cpus node, and the GIC unless DT_NO_GIC. */
static int simt_dt_cpus(void *buf, unsigned int n_cpus, unsigned int flags)
{
	unsigned int i;
	int ret = 0;

	DT(fdt_begin_node(buf, "cpus"));
	DT(fdt_property_u32(buf, "#address-cells", 1));
	DT(fdt_property_u32(buf, "#size-cells", 0));
	for (i = 0; i < n_cpus; i++) {
		char name[16];

		snprintf(name, sizeof(name), "cpu@%u", i);
		DT(fdt_begin_node(buf, name));
		DT(fdt_property_string(buf, "device_type", "cpu"));
		DT(fdt_property_string(buf, "compatible", "arm,armv8"));
		DT(fdt_property_u32(buf, "reg", i));
		if (!(i && (flags & DT_SECONDARY_NO_PSCI)))
			DT(fdt_property_string(buf, "enable-method", "psci"));
		DT(fdt_end_node(buf));
	}
	DT(fdt_end_node(buf));
	if (!(flags & DT_NO_GIC)) {
		DT(fdt_begin_node(buf, "intc@3fff0000"));
		DT(fdt_property_string(buf, "compatible", "arm,gic-v3"));
		DT(fdt_property(buf, "interrupt-controller", NULL, 0));
		DT(fdt_property_u32(buf, "#interrupt-cells", 3));
		DT(fdt_property_u32(buf, "phandle", T_GIC_PHANDLE));
		DT(fdt_end_node(buf));
	}
	return ret;
}

/* The gunyah-vm-config node. */
static int simt_dt_vm_config(void *buf, unsigned int flags)
{
	static const char long_name[] =
		"a-name-much-longer-than-the-eighty-characters-the-resource-manager-allows-for-it";
	int ret = 0;

	DT(fdt_begin_node(buf, "gunyah-vm-config"));
	if (!(flags & DT_NO_IMAGE_NAME))
		DT(fdt_property_string(buf, "image-name",
				       flags & DT_LONG_NAME ? long_name : "kunit-vm"));
	DT(fdt_property_string(buf, "os-type", "linux"));
	DT(fdt_begin_node(buf, "memory"));
	DT(fdt_property_u32(buf, "#address-cells", 2));
	DT(fdt_property_u32(buf, "#size-cells", 2));
	if (!(flags & DT_NO_BASE))
		DT(fdt_property_u64(buf, "base-address", 0x80000000ULL));
	DT(fdt_end_node(buf));
	if (!(flags & DT_NO_VCPUS)) {
		DT(fdt_begin_node(buf, "vcpus"));
		DT(fdt_property_string(buf, "affinity",
				       flags & DT_STATIC_AFFINITY ? "static" : "proxy"));
		DT(fdt_end_node(buf));
	}
	if (flags & DT_BELLS) {
		DT(fdt_begin_node(buf, "vdevices"));
		DT(fdt_begin_node(buf, "bell-a"));
		DT(fdt_property_string(buf, "vdevice-type", "doorbell"));
		DT(fdt_property_u32(buf, "label", T_BELL_A));
		DT(fdt_property(buf, "peer-default", NULL, 0));
		DT(fdt_end_node(buf));
		DT(fdt_begin_node(buf, "bell-b"));
		DT(fdt_property_string(buf, "vdevice-type", "doorbell"));
		DT(fdt_property_u32(buf, "label", T_BELL_B));
		DT(fdt_property(buf, "peer-default", NULL, 0));
		DT(fdt_end_node(buf));
		/* Not a doorbell the host rings: no resource. */
		DT(fdt_begin_node(buf, "shm-0"));
		DT(fdt_property_string(buf, "vdevice-type", "shm"));
		DT(fdt_property_u32(buf, "label", 0));
		DT(fdt_end_node(buf));
		DT(fdt_end_node(buf));
	}
	DT(fdt_end_node(buf));
	return ret;
}

/* A guest devicetree with @n_cpus CPUs, broken as @flags says. */
int simt_build_dt(void *buf, int size, unsigned int n_cpus,
		  unsigned int flags)
{
	int ret = 0;

	DT(fdt_create(buf, size));
	DT(fdt_finish_reservemap(buf));
	DT(fdt_begin_node(buf, ""));
	DT(fdt_property_u32(buf, "#address-cells", 2));
	DT(fdt_property_u32(buf, "#size-cells", 2));
	DT(fdt_property_u32(buf, "interrupt-parent", T_GIC_PHANDLE));
	if (!(flags & DT_NO_CHOSEN)) {
		DT(fdt_begin_node(buf, "chosen"));
		DT(fdt_property_string(buf, "bootargs", "console=hvc0"));
		DT(fdt_end_node(buf));
	}
	if (!ret)
		ret = simt_dt_cpus(buf, n_cpus, flags);
	DT(fdt_begin_node(buf, "memory"));
	DT(fdt_property_string(buf, "device_type", "memory"));
	DT(fdt_end_node(buf));
	if (flags & DT_MEMORY_AT) {
		DT(fdt_begin_node(buf, "memory@90000000"));
		DT(fdt_property_string(buf, "device_type", "memory"));
		DT(fdt_end_node(buf));
	}
	if (flags & DT_HYPERVISOR) {
		DT(fdt_begin_node(buf, "hypervisor"));
		DT(fdt_end_node(buf));
	}
	if (!ret)
		ret = simt_dt_vm_config(buf, flags);
	DT(fdt_end_node(buf));
	DT(fdt_finish(buf));
	return ret;
}

#undef DT

/* Write a devicetree into fresh pages and lend them to @vmid, label 0. */
int simt_image_lend(struct simt_ctx *c, u16 vmid, unsigned int n_cpus,
		    unsigned int dt_flags, struct simt_image *img)
{
	struct simt_acl acl = { vmid, GUNYAH_RM_ACL_RWX };
	u64 phys, size = PAGE_SIZE << T_IMAGE_ORDER;
	int ret;

	img->pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, T_IMAGE_ORDER);
	if (!img->pages)
		return -ENOMEM;
	ret = simt_build_dt(page_address(img->pages) + T_DTB_OFFSET, T_DTB_SIZE,
			    n_cpus, dt_flags);
	KUNIT_EXPECT_EQ(c->test, ret, 0);
	phys = page_to_phys(img->pages);
	ret = simt_mem(c, true, 0, 0, &acl, 1, &phys, &size, 1, &img->handle);
	if (ret)
		__free_pages(img->pages, T_IMAGE_ORDER);
	return ret;
}

void simt_image_free(struct simt_image *img)
{
	__free_pages(img->pages, T_IMAGE_ORDER);
}

/* ---- Setup --------------------------------------------------------------- */

void simt_tx_ready(struct gunyah_rm_sim *sim)
{
	/* simt_send_raw() polls instead. */
}

int simt_init(struct kunit *test)
{
	struct device *dev;
	struct simt_ctx *c;

	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	c->test = test;
	spin_lock_init(&c->lock);
	init_waitqueue_head(&c->wq);

	dev = kunit_device_register(test, "gunyah-rm-sim-test");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	c->sim = gunyah_rm_sim_create(dev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c->sim);
	/* No RPC core: the test is the host. */
	c->sim->hook_data = c;
	c->sim->deliver = simt_deliver;
	c->sim->tx_ready = simt_tx_ready;
	test->priv = c;
	return 0;
}

void simt_exit(struct kunit *test)
{
	struct simt_ctx *c = test->priv;

	/* No test leaves anything behind in the RM. */
	rm_sim_quiesce(c->sim);
	KUNIT_EXPECT_EQ(test, simt_n_vms(c), 0);
	KUNIT_EXPECT_EQ(test, c->sim->n_parcels, 0);
}

/* A counter of the counters file, or -1 if it is not there. */
__printf(2, 3) long long simt_counter(struct simt_ctx *c, const char *fmt, ...)
{
	struct seq_file s = { };
	char key[64], *p;
	long long val = -1;
	va_list ap;

	va_start(ap, fmt);
	key[0] = '\n';
	vsnprintf(key + 1, sizeof(key) - 2, fmt, ap);
	va_end(ap);
	strcat(key, " ");
	s.size = 2 * PAGE_SIZE;
	s.buf = kzalloc(s.size, GFP_KERNEL);
	if (!s.buf)
		return -1;
	rm_sim_counters_show(c->sim, &s);
	p = strstr(s.buf, key);
	if (p && sscanf(p + strlen(key), "%lld", &val) != 1)
		val = -1;
	kfree(s.buf);
	return val;
}

/* A VM with @n_cpus vCPUs and the doorbells, through VM_INIT. */
int simt_vm_ready(struct simt_ctx *c, unsigned int n_cpus, struct simt_image *img,
		  struct simt_res *res)
{
	struct gunyah_rm_vm_common_req r = { };
	size_t len = sizeof(*res);
	int vmid, ret;

	vmid = simt_alloc(c, 0);
	if (vmid < 0)
		return vmid;
	r.vmid = cpu_to_le16(vmid);
	ret = simt_image_lend(c, vmid, n_cpus, DT_BELLS, img);
	if (!ret)
		ret = simt_config(c, vmid, img->handle, T_DTB_OFFSET, T_DTB_SIZE);
	if (!ret)
		ret = simt_vm(c, GUNYAH_RM_RPC_VM_INIT, vmid);
	if (!ret)
		ret = simt_call(c, GUNYAH_RM_RPC_VM_GET_HYP_RESOURCES, &r, sizeof(r),
				res, &len);
	if (!ret && len != sizeof(res->n) + (n_cpus + 2) * sizeof(res->e[0]))
		ret = -EBADMSG;
	return ret ? ret : vmid;
}

/* Undo simt_vm_ready() (after VM_START or not). */
void simt_vm_gone(struct simt_ctx *c, int vmid, struct simt_image *img)
{
	KUNIT_EXPECT_EQ(c->test, simt_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), 0);
	KUNIT_EXPECT_EQ(c->test, simt_reclaim(c, img->handle, 0), 0);
	KUNIT_EXPECT_EQ(c->test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
	simt_image_free(img);
}

int simt_run(struct simt_ctx *c, u64 capid, u64 read_value,
	     struct gunyah_hypercall_vcpu_run_resp *resp)
{
	/* As the hypervisor takes them: the value read, then the action. */
	const u64 resume[3] = { read_value, GUNYAH_VCPU_RESUME_EMULATE, 0 };

	return c->sim->hyp.ops->vcpu_run(&c->sim->hyp, capid, resume, resp);
}

__printf(2, 3) int simt_cmd(struct simt_ctx *c, const char *fmt, ...)
{
	char cmd[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return rm_sim_command(c->sim, cmd);
}
