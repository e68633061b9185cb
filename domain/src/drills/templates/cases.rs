//! The templates for a case: a suspected case at the gate, a confirmed case in a class, a
//! close contact, and the transfer to the isolation room.

use super::step;
use crate::drills::plan::{Owner, PlanStep};

/// Fever found at the gate: the gate is a sentinel that isolates and reports (002 篇5 (三)4),
/// the isolation group screens, diagnoses and reports (001 §二(六)), the person goes to the
/// isolation room (003 篇一 §4) and on to a fever clinic without public transport
/// (003 篇一 §13; 002 篇5 (三)1), reported level by level (001 §一.4; 004 §三).
pub(super) fn suspected_at_gate() -> Vec<PlanStep> {
    vec![
        step(
            "测温通道发现体温≥37.3℃者，让其戴好医用外科口罩，引至临时等候区，与他人间隔1米以上",
            "Fever ≥37.3 °C at the entry lane: give a surgical mask, lead to the holding area, 1 m+ from others",
            Owner::Gate,
            0,
        ),
        step(
            "用体温计复测，仍异常的立即电话报告校医和值班领导",
            "Re-check with a thermometer; if still raised, phone the school doctor and the leader on duty at once",
            Owner::Gate,
            60,
        ),
        step(
            "疏导其余师生改走另一测温通道，保持间距有序入校",
            "Send everyone else through another entry lane, keeping their distance and order",
            Owner::Gate,
            120,
        ),
        step(
            "校医做好防护到场，询问症状及14天内旅居史、接触史并登记",
            "The doctor arrives in protective gear, asks about symptoms, 14-day travel and contacts, and records them",
            Owner::Doctor,
            180,
        ),
        step(
            "值班领导到场，启动应急预案，统一指挥现场处置",
            "The leader on duty arrives, starts the emergency plan and takes command on site",
            Owner::Leader,
            300,
        ),
        step(
            "经专用路线送至留观室单独留观，途中避开人群",
            "Take the person by the set route to the isolation room to wait alone, away from other people",
            Owner::Doctor,
            600,
        ),
        step(
            "学生的，班主任电话通知家长尽快到校，说明情况和接送地点",
            "For a pupil, the class teacher phones the parents to come at once, saying what happened and where to meet",
            Owner::ClassTeacher,
            600,
        ),
        step(
            "联系镇卫生院，由卫生院专车或家长陪同前往发热门诊就诊，不乘公共交通",
            "Call the township clinic: its vehicle or the parents take the person to a fever clinic, not by public transport",
            Owner::Leader,
            2400,
        ),
        step(
            "用1:100的84消毒液对留观室、等候区和测温点进行终末消毒",
            "Terminal disinfection of the isolation room, holding area and entry lane with 84 disinfectant at 1:100",
            Owner::Logistics,
            3600,
        ),
        step(
            "2小时内报告县教育局和卫健部门，按规定逐级上报，不擅自对外发布",
            "Report to the county education bureau and health authority within 2 h, level by level; publish nothing",
            Owner::Leader,
            7200,
        ),
        step(
            "跟踪就诊结果并报校医；排除前暂不返校，返校凭复课证明经卫生室查验",
            "Follow up the diagnosis and tell the doctor; no return until cleared, then with a certificate the clinic checks",
            Owner::ClassTeacher,
            21600,
        ),
    ]
}

/// A confirmed case in a class: isolation, lockdown, transfer, disinfection and reporting
/// (000 6.1), on-site handling with the CDC (001 §二(二)), gate control of anyone leaving
/// (001 §二(五)), tracing and sealing within 24 h with the clinic and police (002 篇5 (五)2),
/// close contacts isolated (004 §二(二)5) and reporting level by level (004 §三).
pub(super) fn confirmed_in_class() -> Vec<PlanStep> {
    vec![
        step(
            "接报确诊病例后立即启动应急预案，领导小组到位，明确现场指挥",
            "On word of a confirmed case, start the emergency plan; the leading group takes post and names a commander",
            Owner::Leader,
            0,
        ),
        step(
            "该班学生留在教室原地管控，全员戴口罩，开窗通风，不得离开",
            "Hold the class in its room: everyone masked, windows open, nobody leaves",
            Owner::ClassTeacher,
            300,
        ),
        step(
            "关闭校门，暂停人员车辆进出，严禁校内人员擅自离校",
            "Close the gates: no people or vehicles in or out, and nobody leaves the school without leave",
            Owner::Gate,
            600,
        ),
        step(
            "立即电话报告县教育局、卫健局和属地疾控，联系镇卫生院和派出所",
            "Phone the county education bureau, health bureau and local CDC at once; alert the township clinic and police",
            Owner::Leader,
            900,
        ),
        step(
            "整理该生晨午检、缺勤记录和同桌、同寝、同餐、同车名单，配合疾控流调",
            "Gather the case's check and absence records and desk, dorm, table and bus mates for the CDC's tracing",
            Owner::Doctor,
            1800,
        ),
        step(
            "按疾控判定，将本班师生经专用通道带至指定区域，等候转运和核酸检测",
            "As the CDC decides, lead the class by the set route to the assigned area to await transfer and testing",
            Owner::ClassTeacher,
            3600,
        ),
        step(
            "其余班级按疾控意见原地管控或错峰离校，不得聚集",
            "Other classes stay put or leave at staggered times as the CDC advises, without gathering",
            Owner::Leader,
            3600,
        ),
        step(
            "在疾控指导下对该班教室、走廊、卫生间、食堂、宿舍进行终末消毒",
            "Under CDC guidance, terminal disinfection of the classroom, corridors, toilets, canteen and dorms",
            Owner::Logistics,
            5400,
        ),
        step(
            "2小时内书面报告县教育局；信息逐级上报，统一口径告知家长，不擅自发布",
            "Written report to the county education bureau within 2 h; report level by level, one message to parents",
            Owner::Leader,
            7200,
        ),
        step(
            "清点本班人数，逐一核实去向（转运、隔离、居家）并登记",
            "Count the class and record where each pupil went: transferred, isolated or home",
            Owner::ClassTeacher,
            10800,
        ),
        step(
            "汇总全校人员去向和健康状况，每日报告，直至疾控解除管控",
            "Compile where everyone is and how they are; report daily until the CDC lifts the measures",
            Owner::Leader,
            14400,
        ),
    ]
}

/// A close contact among pupils or staff: traced and reported to the community, education
/// authority and command (003 篇一 §19), isolated and kept out of school (000 5.2; 001 §二(六)),
/// 14 days from the last contact (003 篇二 (四)1), followed up daily (004 §二(二)5).
pub(super) fn close_contact() -> Vec<PlanStep> {
    vec![
        step(
            "接到疾控或社区通知后，核实密接者姓名、班级、接触时间和是否在校",
            "On notice from the CDC or community, confirm the contact's name, class, time of contact and whether on site",
            Owner::Leader,
            0,
        ),
        step(
            "在校的，班主任让其戴好口罩，与同学分开，报告校医",
            "If at school, the class teacher has them mask up, separates them from the class and tells the doctor",
            Owner::ClassTeacher,
            300,
        ),
        step(
            "校医经专用路线将其带至留观室单独等候，测温并询问症状",
            "The doctor takes them by the set route to the isolation room to wait alone; takes temperature, asks symptoms",
            Owner::Doctor,
            600,
        ),
        step(
            "班主任通知家长，说明情况和隔离要求",
            "The class teacher tells the parents what happened and what isolation requires",
            Owner::ClassTeacher,
            900,
        ),
        step(
            "排查在校同桌、同寝、同餐、同车人员名单，报属地疾控",
            "List desk, dorm, table and bus mates at school and send the list to the local CDC",
            Owner::Doctor,
            1800,
        ),
        step(
            "配合社区和疾控转运至集中隔离点或居家隔离，医学观察14天，期间不入校",
            "With the community and CDC, move them to a quarantine site or home; 14 days' observation, out of school",
            Owner::Leader,
            3600,
        ),
        step(
            "指定校门放行转运车辆，登记交接时间和人员",
            "Let the transfer vehicle through the assigned gate and record the handover time and people",
            Owner::Gate,
            3600,
        ),
        step(
            "对其座位、教室、留观室和所经通道进行终末消毒",
            "Terminal disinfection of their seat, classroom, the isolation room and the route they took",
            Owner::Logistics,
            5400,
        ),
        step(
            "2小时内报告县教育局和卫健部门，按规定逐级上报",
            "Report to the county education bureau and health authority within 2 h, level by level",
            Owner::Leader,
            7200,
        ),
        step(
            "每日跟踪密接者健康状况和核酸结果并登记，解除隔离后凭证明返校",
            "Track the contact's health and test results daily; they return only with proof that isolation has ended",
            Owner::ClassTeacher,
            14400,
        ),
    ]
}

/// A pupil taken ill in class moved to the isolation room (留观室, 003 篇一 §4) and on to the
/// fever clinic: the isolation group screens and reports (001 §二(六)), the township clinic
/// sends a vehicle for fever patients (002 篇5 (三)1), suspected cases stay under observation
/// (004 §二(一)1), terminal disinfection with 84 at 1:100 (003 篇三) and reporting (001 §一.4).
pub(super) fn isolation_transfer() -> Vec<PlanStep> {
    vec![
        step(
            "午检发现学生体温≥37.3℃或有咳嗽、乏力等症状，让其戴口罩，立即报校医",
            "Noon check finds a pupil ≥37.3 °C or with cough or fatigue: mask them and tell the doctor at once",
            Owner::ClassTeacher,
            0,
        ),
        step(
            "校医做好防护到场复测，询问症状和接触史",
            "The doctor arrives in protective gear, re-checks the temperature and asks about symptoms and contacts",
            Owner::Doctor,
            180,
        ),
        step(
            "开启留观室，备好体温计、口罩、消毒液和登记本，清空转运路线",
            "Open the isolation room with thermometer, masks, disinfectant and register; clear the transfer route",
            Owner::Logistics,
            300,
        ),
        step(
            "经专用路线单人陪同送至留观室单独留观，避开人群",
            "One escort takes the pupil by the set route to the isolation room to wait alone, away from others",
            Owner::Doctor,
            600,
        ),
        step(
            "其余学生留在教室，开窗通风，排查有无类似症状并登记",
            "The rest of the class stays in the room with windows open; check them for similar symptoms and record",
            Owner::ClassTeacher,
            600,
        ),
        step(
            "电话通知家长到校，说明情况和接送地点",
            "Phone the parents to come to school, saying what happened and where to meet",
            Owner::ClassTeacher,
            900,
        ),
        step(
            "在留观室登记，每30分钟测温一次，观察症状变化",
            "Record the pupil in the isolation room register; take temperature every 30 min and watch the symptoms",
            Owner::Doctor,
            1200,
        ),
        step(
            "报告镇卫生院，由卫生院专车或家长陪同前往发热门诊，不乘公共交通",
            "Report to the township clinic: its vehicle or the parents take the pupil to a fever clinic, not by public transport",
            Owner::Leader,
            1800,
        ),
        step(
            "开启专用通道放行转运车辆，登记时间和交接人员",
            "Open the side gate for the transfer vehicle and record the time and the people at the handover",
            Owner::Gate,
            2400,
        ),
        step(
            "填写交接单，将学生交给卫生院或家长，跟踪诊断结果",
            "Fill in the handover form, hand the pupil to the clinic or parents, and follow up the diagnosis",
            Owner::Doctor,
            3600,
        ),
        step(
            "用1:100的84消毒液对留观室、转运路线和该生座位进行终末消毒并通风",
            "Terminal disinfection of the isolation room, route and the pupil's seat with 84 at 1:100, then air them",
            Owner::Logistics,
            5400,
        ),
        step(
            "2小时内报告县教育局和卫健部门，按规定逐级上报，不擅自对外发布",
            "Report to the county education bureau and health authority within 2 h, level by level; publish nothing",
            Owner::Leader,
            7200,
        ),
    ]
}
